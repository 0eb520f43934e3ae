"""The sample QMS programmes of ``load_demo``."""

import pytest
from django.core.management import call_command

from qms.models import Finding, Programme, Status

pytestmark = pytest.mark.django_db


@pytest.mark.cjk_font
def test_load_demo_adds_programmes_in_several_states(
    working_group, settings, client, django_capture_on_commit_callbacks
):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", password="demo-pass-1", verbosity=0)
    states = dict(Programme.objects.values_list("organisation__name", "status"))
    assert states == {
        "Peking University": Status.CERTIFIED,
        "Tsinghua University": Status.SUSPENDED,
        "Capital Medical University": Status.EXTERNAL_AUDIT,
    }
    certified = Programme.objects.get(status=Status.CERTIFIED).certificates.get()
    assert certified.pdf_state == "ready", certified.pdf_error
    assert Finding.objects.filter(
        grade=Finding.Grade.MAJOR,
        closed_on__isnull=True,
        audit__programme__status=Status.EXTERNAL_AUDIT,
    ).exists()
    # The register shows the demo certificates, and they verify.
    html = client.get("/qms/").content.decode()
    assert certified.number in html
    page = client.get(certified.get_absolute_url()).content.decode()
    assert "Valid today" in page
    # Running it again adds nothing.
    call_command("load_demo", password="demo-pass-1", verbosity=0)
    assert Programme.objects.count() == 3
