import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from standards import workspace
from standards.demo import load_sample_drafts
from standards.models import HistoryEntry, Standard, Status

DEMO_USERS = ["leader", "deputy", "member", "member2", "expert1", "expert2", "auditor"]


def _demo_users() -> dict:
    call_command("load_working_group", verbosity=0)
    call_command("load_demo", "--password", "demo-pw-1", "--force", verbosity=0)
    users = get_user_model().objects.filter(username__in=DEMO_USERS)
    return {user.username: user for user in users}


@pytest.fixture(scope="module")
def _demo_loaded(module_db, django_db_blocker):
    """The demo, loaded once for the module (each test's writes are rolled
    back after it)."""
    with django_db_blocker.unblock():
        users = _demo_users()
        # load_demo calls it already; calling it here too keeps this test
        # about standards.demo should the command change.
        load_sample_drafts(users)
    return users


@pytest.fixture
def demo_users(db, _demo_loaded):
    return _demo_loaded


def test_load_demo_adds_sample_standards_in_every_state(demo_users):
    samples = Standard.objects.filter(is_sample=True)
    assert set(samples.values_list("status", flat=True)) == set(Status.values)
    assert samples.count() == Standard.objects.count()
    for standard in samples:
        assert standard.title.endswith("(sample)")
        assert standard.field.name == "Medical Field" or (
            standard.field.parent.name == "Medical Field"
        )
        assert standard.history.filter(action="created").exists()
        body = standard.versions.order_by("-number").first().body
        # The sample written in Chinese has its table in Chinese.
        table = "| 维度 |" if standard.language == "zh-hans" else "| Dimension |"
        assert table in body
        assert "本标准规定了医疗大语言模型评测的方法。" in body


def test_sample_standards_tell_the_whole_story(demo_users):
    samples = Standard.objects.filter(is_sample=True)
    organisations = set(samples.values_list("organisation__name", flat=True))
    assert {"Peking University", "Tsinghua University"} <= organisations

    in_review = samples.get(status=Status.EXPERT_REVIEW)
    assert in_review.assignments.count() == 2
    assert in_review.comments.count() == 1

    published = samples.filter(status=Status.PUBLISHED)
    assert published.count() == 3
    assert published.filter(history__action="reaffirm").count() == 1
    assert all(s.number and s.editions.exists() for s in published)

    renewal = samples.get(status=Status.DRAFT, has_edition=True)
    assert renewal.under_renewal and renewal.history.filter(action="start_renewal")
    assert renewal.versions.count() == 2

    # A standard renewed to its second edition, whose text differs: the
    # editions' diff has something to show.
    [renewed] = [s for s in published if s.editions.count() == 2]
    first, second = renewed.editions.order_by("edition")
    assert (first.version.number, second.version.number) == (1, 2)
    assert "| 85 % |" in first.version.body and "| 90 % |" in second.version.body
    assert second.in_force and not first.in_force

    abolished = samples.get(status=Status.ABOLISHED)
    assert abolished.replaced_by in published
    assert abolished.abolition_reason

    assert samples.filter(status=Status.AUDIT).exists()
    assert samples.filter(status=Status.CERTIFIED).get().audits.exists()


def test_loading_twice_adds_nothing(demo_users):
    standards = Standard.objects.count()
    history = HistoryEntry.objects.count()
    load_sample_drafts(demo_users)
    call_command("load_demo", "--password", "demo-pw-1", "--force", verbosity=0)
    assert Standard.objects.count() == standards
    assert HistoryEntry.objects.count() == history


def test_drafts_came_back_to_each_member_with_the_reason_and_a_blocking_point(
    demo_users,
):
    returned = Standard.objects.filter(
        is_sample=True, status=Status.DRAFT, history__action="request_changes"
    )
    assert {s.organisation.name for s in returned} == {
        "Peking University",
        "Tsinghua University",
    }
    for standard in returned:
        entry = standard.history.get(action="request_changes")
        assert entry.actor.username == "deputy" and entry.comment
        assert [c.is_open_blocking for c in standard.comments.all()] == [True]


def test_a_published_standard_is_overdue_for_its_periodic_review(demo_users):
    today = timezone.localdate()
    overdue = Standard.objects.get(
        is_sample=True, status=Status.PUBLISHED, review_due__lt=today
    )
    edition = overdue.editions.get()
    assert edition.published_on < overdue.review_due
    assert overdue.number == edition.number
    assert overdue.number.endswith(f":{edition.published_on.year}")
    # First in the deputy's periodic-review list.
    due, _total = workspace.review_due(demo_users["deputy"])
    assert due[0].standard == overdue and due[0].overdue
