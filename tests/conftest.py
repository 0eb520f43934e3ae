"""Fixtures and hooks shared by the whole suite.

Tests that need a real service or tool carry a marker (`postgres`, `redis`,
`browser`, `axe`). Without it they are skipped, so `make test` passes on a bare
machine; with REQUIRE_SERVICES=1 (as in CI) a missing one fails them instead, so
a CI run can never pass by skipping what it was meant to test.
"""

import functools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parent.parent / "node_modules/axe-core/axe.min.js"


def services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "").strip().lower() in {"1", "true"}


def _postgres_problem() -> str | None:
    engine = django_settings.DATABASES["default"]["ENGINE"]
    if engine != "django.db.backends.postgresql":
        return (
            "needs PostgreSQL: set DATABASE_URL=postgres://USER@HOST:5432/NAME "
            f"(the database engine is {engine})"
        )
    return None


@functools.cache
def _redis_problem() -> str | None:
    url = django_settings.REDIS_URL
    if not url:
        return "needs Redis: set REDIS_URL=redis://HOST:6379/N"
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as exc:
        return f"needs Redis, but REDIS_URL={url} does not answer: {exc}"
    return None


def _browser_problem() -> str | None:
    if not CHROMIUM.exists():
        return f"needs Chromium at {CHROMIUM} (Debian package `chromium`)"
    return None


@functools.cache
def _cjk_font_problem() -> str | None:
    fc_list = shutil.which("fc-list")
    found = ""
    if fc_list:
        found = subprocess.run(
            [fc_list, ":lang=zh-cn", "family"], capture_output=True, text=True
        ).stdout
    if "Noto Sans CJK" not in found:
        return (
            "needs the Noto Sans CJK font for Chinese in PDFs "
            "(Debian package fonts-noto-cjk)"
        )
    return None


def _axe_problem() -> str | None:
    if not AXE.exists():
        return (
            f"needs axe-core at {AXE.relative_to(AXE.parents[2])} "
            "(`make install` runs npm ci; Debian packages nodejs npm)"
        )
    return None


SERVICE_CHECKS = {
    "postgres": _postgres_problem,
    "redis": _redis_problem,
    "browser": _browser_problem,
    "cjk_font": _cjk_font_problem,
    "axe": _axe_problem,
}


# The markers of the slow suite: a headless browser, a generated client, a
# Celery worker of its own, or thousands of requests generated from the API
# schema. `make test` leaves them out (-m "not slow") so it stays within its
# ten minutes on two cores; `make test-slow` runs them and CI runs both.
SLOW_MARKERS = ("browser", "client", "worker", "fuzz")


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        if any(item.get_closest_marker(name) for name in SLOW_MARKERS):
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip (or, with REQUIRE_SERVICES=1, fail) a test whose service is missing.

    Runs before the test's fixtures, so no test database is set up for nothing.
    """
    for marker, check in SERVICE_CHECKS.items():
        if item.get_closest_marker(marker) is None:
            continue
        problem = check()
        if problem is None:
            continue
        if services_required():
            pytest.fail(f"REQUIRE_SERVICES=1 but this test {problem}", pytrace=False)
        pytest.skip(problem)


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):
    """One transaction around a whole module's tests, rolled back after the
    last: rows a module's fixtures make once (asking for this one, and
    writing within ``django_db_blocker.unblock()``) are there for each of
    its tests, whose own changes are still rolled back after each (its
    savepoint), as Django's ``TestCase.setUpTestData`` does for a class.
    Not for a module with ``transaction=True`` tests or a live server."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def working_group_once(module_db, django_db_blocker):
    """The working group loaded from the seed once for a module whose tests
    all may see it: such a module defines ``working_group(db,
    working_group_once)``."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("load_working_group", verbosity=0)


@pytest.fixture(autouse=True)
def _fresh_public_cache():
    """Each test's database starts again from the same rows, so what an
    earlier test left in the public cache must not be read: a new version of
    the public data makes it unreachable (without emptying a shared cache)."""
    from portal import public_cache

    public_cache._pending.set(frozenset())  # an earlier test's writes
    public_cache.renew_public_version()


@pytest.fixture(autouse=True)
def _default_language_and_time_zone():
    """Each test starts, and ends, in the portal's language and time zone: a
    request activates the asker's for its thread (portal.i18n, as Django's
    LocaleMiddleware does) and must not leak into the next test's reverse()
    or messages."""
    from django.utils import timezone, translation

    translation.activate(django_settings.LANGUAGE_CODE)
    timezone.deactivate()
    yield
    translation.activate(django_settings.LANGUAGE_CODE)
    timezone.deactivate()


@pytest.fixture
def expect_integrity_error():
    """Asked for by a test that provokes an IntegrityError of an unexpected
    kind on purpose (see ``_integrity_errors_told_truly``)."""


@pytest.fixture(autouse=True)
def _integrity_errors_told_truly(request, monkeypatch):
    """Fail a test in which an IntegrityError that no concurrent change
    explains was answered "changed meanwhile" (a ``portal.errors.Conflict``
    made while handling it) or logged as unexpected by
    ``standards.services.common.integrity_error_told``: only a real concurrent
    change may be told "changed meanwhile" (issue 20), and any other is a bug
    to fix, not a message to show."""
    import logging
    import sys

    from django.db import IntegrityError

    from portal import errors
    from standards.services.common import is_concurrent_change

    seen = []
    original = errors.Conflict.__init__

    def watched(self, message=None, *args, **kwargs):
        # The portal's own "changed meanwhile" (a service's own message is
        # that service's concern), made while handling an IntegrityError.
        handling = sys.exc_info()[1]
        if (
            message is None
            and isinstance(handling, IntegrityError)
            and not is_concurrent_change(handling)
        ):
            seen.append(f"told “changed meanwhile”: {handling}")
        original(self, message, *args, **kwargs)

    class Logged(logging.Handler):
        def emit(self, record):
            if getattr(record, "integrity_constraint", None):
                seen.append(f"logged: {record.getMessage()}")

    handler = Logged(level=logging.ERROR)
    logger = logging.getLogger("standards.services.common")
    monkeypatch.setattr(errors.Conflict, "__init__", watched)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    if seen and "expect_integrity_error" not in request.fixturenames:
        pytest.fail("An unexpected IntegrityError: " + "; ".join(seen), pytrace=False)


def pytest_configure(config: pytest.Config) -> None:
    # An empty STATIC_ROOT, so whitenoise does not warn in every request that
    # collectstatic never ran (tests serve static files from the app folders).
    # Set here, before collection, as some modules build the WSGI app then.
    config._portal_static_root = tempfile.mkdtemp(prefix="portal-static-")
    django_settings.STATIC_ROOT = Path(config._portal_static_root)


# Schemathesis cases run by the pytest-xdist workers (tests/api/conftest.py
# counts them in each worker); this process reports their sum.
WORKER_SCHEMATHESIS_CASES: dict[str, int] = {}


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    counts = getattr(node, "workeroutput", {}).get("schemathesis_cases", {})
    for who, n in counts.items():
        WORKER_SCHEMATHESIS_CASES[who] = WORKER_SCHEMATHESIS_CASES.get(who, 0) + n


def pytest_terminal_summary(terminalreporter) -> None:
    total = sum(WORKER_SCHEMATHESIS_CASES.values())
    if total:
        terminalreporter.write_line(
            f"schemathesis: {total} cases run in the workers "
            f"({WORKER_SCHEMATHESIS_CASES.get('anonymous', 0)} anonymous, "
            f"{WORKER_SCHEMATHESIS_CASES.get('member', 0)} as a member "
            "representative)"
        )


def pytest_unconfigure(config: pytest.Config) -> None:
    static_root = getattr(config, "_portal_static_root", None)
    if static_root:
        shutil.rmtree(static_root, ignore_errors=True)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads and rendered PDFs of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _celery_eager_unless_redis(request, settings):
    """Run Celery tasks in the test's own process, as in the embedded default.

    With REDIS_URL set (as in CI) the settings switch Celery to the real broker;
    only tests marked `redis` want that, so that the rest of the suite behaves
    the same on every machine.
    """
    if request.node.get_closest_marker("redis"):
        yield
        return
    from portal.celery import app

    saved = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture
def fresh_cache():
    """An empty cache before and after the test: throttle and lockout counts,
    reset-mail counts and cached rows start from zero. (Each pytest-xdist
    process has a cache of its own, so this leaves the others' alone.)"""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def only_search_hooks(monkeypatch):
    """The lifecycle's search hooks only: no PDFs nor notifications, which
    their own tests cover and which would make each test take seconds."""
    search_hooks_only(monkeypatch)


def search_hooks_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """``only_search_hooks`` with a given ``MonkeyPatch`` (of any scope)."""
    from catalogue import services as catalogue_services
    from standards import services

    monkeypatch.setattr(
        services.history,
        "edition_published_hooks",
        [catalogue_services.index_edition],
    )
    monkeypatch.setattr(
        services.history,
        "history_hooks",
        [catalogue_services.index_after_history],
    )
    monkeypatch.setattr(services.history, "audit_certified_hooks", [])
