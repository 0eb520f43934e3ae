"""A demo loaded by an earlier version of the portal gains the later samples
once (kept apart from tests/standards/test_demo.py, whose tests share one
loaded demo)."""

from standards import demo
from standards.demo import load_sample_drafts
from standards.models import Standard
from tests.standards.test_demo import _demo_users


def test_a_demo_loaded_before_the_later_samples_gains_them_once(db, monkeypatch):
    with monkeypatch.context() as before:
        before.setattr(demo._Samples, "later_additions", lambda self: None)
        users = _demo_users()
    assert not Standard.objects.filter(history__action="request_changes").exists()
    standards = Standard.objects.count()

    load_sample_drafts(users)
    assert Standard.objects.count() == standards + 3
    assert Standard.objects.filter(history__action="request_changes").count() == 2

    load_sample_drafts(users)
    assert Standard.objects.count() == standards + 3
