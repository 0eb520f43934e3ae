"""Two people acting at the same moment, on PostgreSQL (real row locks).

Each thread has its own database connection, so these tests need committed
data (``transactional_db``) and close their connections when done.
"""

import threading

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from portal.errors import ApplicationError
from standards import services
from standards.models import Edition, HistoryEntry, Status

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres(transactional_db):
    # The shared conftest skips tests marked `postgres` without PostgreSQL;
    # this guard keeps the threads off SQLite should that handling change.
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


def run_at_once(calls):
    """Run each call in its own thread, all released by one barrier; return
    what each returned or raised, in the order of ``calls``."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as exc:  # reported to the test, whatever it is
            results[index] = exc
        finally:
            thread_connection.close()

    threads = [
        threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hangs"
    return results


def fresh(user):
    # Each thread gets its own user object: roles are cached on the object.
    return get_user_model().objects.get(pk=user.pk)


@pytest.mark.parametrize("other_actor", ["deputy", "leader"])
def test_two_transitions_at_once_one_wins_the_other_is_told(
    lifecycle, world, other_actor
):
    standard = lifecycle.at("expert_review")
    before = HistoryEntry.objects.filter(standard=standard).count()
    advancer, requester = fresh(world.deputy), fresh(getattr(world, other_actor))

    results = run_at_once(
        [
            lambda: services.standard_transition(
                standard_id=standard.pk, name="advance_to_audit", actor=advancer
            ),
            lambda: services.standard_transition(
                standard_id=standard.pk,
                name="request_changes",
                actor=requester,
                comment="Please revise section 2.",
            ),
        ]
    )

    wins = [r for r in results if not isinstance(r, Exception)]
    refusals = [r for r in results if isinstance(r, Exception)]
    assert len(wins) == 1, results
    assert len(refusals) == 1, results
    assert isinstance(refusals[0], ApplicationError), repr(refusals[0])
    assert refusals[0].status == 409
    winner = "advance_to_audit" if results[0] is wins[0] else "request_changes"
    standard.refresh_from_db()
    assert (
        standard.status
        == {
            "advance_to_audit": Status.AUDIT,
            "request_changes": Status.DRAFT,
        }[winner]
    )
    new = HistoryEntry.objects.filter(standard=standard).order_by("pk")[before:]
    assert [(e.action, e.from_state, e.to_state) for e in new] == [
        (winner, Status.EXPERT_REVIEW, standard.status)
    ]


def test_many_publications_at_once_get_distinct_gap_free_numbers(lifecycle, world):
    count = 8
    standards = [
        lifecycle.certified(title=f"Concurrent standard {i}") for i in range(count)
    ]
    leaders = [fresh(world.leader) for _ in standards]

    results = run_at_once(
        [
            lambda s=s, leader=leader: services.standard_transition(
                standard_id=s.pk, name="publish", actor=leader
            )
            for s, leader in zip(standards, leaders, strict=True)
        ]
    )

    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    numbers = sorted(
        Edition.objects.filter(standard__in=standards).values_list("number", flat=True)
    )
    year = numbers[0].rsplit(":", 1)[1]
    prefix = settings.STANDARD_NUMBER_PREFIX
    assert numbers == [f"{prefix} {n:04d}:{year}" for n in range(1, count + 1)]
    for standard in standards:
        standard.refresh_from_db()
        assert standard.status == Status.PUBLISHED
        assert standard.history.filter(action="publish").count() == 1
