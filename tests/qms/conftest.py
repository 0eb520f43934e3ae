import pytest
from django.core.management import call_command


@pytest.fixture
def working_group(db):
    """The working group loaded from the seed text, as `make run` does."""
    call_command("load_working_group", verbosity=0)


@pytest.fixture
def demo(working_group, settings):
    settings.DEBUG = True
    call_command("load_demo", password="demo-pass-1", verbosity=0)
