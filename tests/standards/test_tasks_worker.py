"""The background work with a real Celery worker on a real Redis.

Each test starts its own redis-server (on a free port, nothing saved) so that
it can stop and start it without touching the Redis others use, and a
``celery -A portal worker -B`` subprocess (embedded beat, sweeps every 2 s;
one test starts it without beat)
on pytest's PostgreSQL test database, sending e-mail to files. The web side
(this process) publishes to the same Redis.

Marked ``redis`` and ``postgres``: the worker is another process and cannot
see a SQLite test database or an uncommitted transaction.
"""

import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from notifications.models import Notification
from standards import pdf
from standards.models import Edition
from tests.notifications.broker import celery_broker

pytestmark = [
    pytest.mark.redis,
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

BASE_DIR = Path(settings.BASE_DIR)
CELERY = Path(sys.executable).parent / "celery"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
CHINESE = "本标准规定了医疗大语言模型的评测方法。"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, *, timeout: float, interval: float = 0.25, what=""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"not within {timeout} s: {what}")


class RedisServer:
    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.answers, timeout=10, what="redis-server starts")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None


class Worker:
    """``celery -A portal worker -B`` in its own process group (``beat=False``:
    without the embedded beat, so without the periodic sweeps)."""

    def __init__(self, *, broker: str, workdir: Path, beat: bool = True, **extra_env):
        self.workdir = workdir
        self.beat = beat
        self.log = workdir / "worker.log"
        self.mail_dir = workdir / "mail"
        self.mail_dir.mkdir(exist_ok=True)
        db = settings.DATABASES["default"]
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{auth}@{host}/{db['NAME']}",
            "REDIS_URL": broker,
            "DJANGO_TESTING": "1",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "PORTAL_SWEEP_SECONDS": "2",
            "PORTAL_NOTIFICATIONS_DELAY": "1",
            "PYTHONPATH": str(BASE_DIR),
            "LOG_LEVEL": "INFO",
            **extra_env,
        }
        self.env.pop("DJANGO_DEBUG", None)
        self.process = None

    def start(self):
        offset = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    str(CELERY),
                    "-A",
                    "portal",
                    "worker",
                    *(
                        ["-B", "--schedule", str(self.workdir / "beat-schedule")]
                        if self.beat
                        else []
                    ),
                    "--concurrency",
                    "1",
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel",
                    "INFO",
                ],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until(
            lambda: (
                b" ready." in self.log.read_bytes()[offset:]
                or self.process.poll() is not None
            ),
            timeout=40,
            what="the worker is ready",
        )
        assert self.process.poll() is None, self.tail()

    def kill(self, sig=signal.SIGKILL):
        """Kill the worker and everything it started (pool, beat)."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(20)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None

    def tail(self, lines: int = 60) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def mails(self) -> list[str]:
        """Every message the worker sent (the file backend's files)."""
        messages = []
        for path in sorted(self.mail_dir.glob("*.log")):
            for chunk in path.read_text(errors="replace").split("-" * 79):
                if "Message-ID:" in chunk:
                    messages.append(chunk)
        return messages


@pytest.fixture
def services_up(tmp_path):
    """A Redis of this test and a function that starts workers on it."""
    redis = RedisServer(tmp_path)
    redis.start()
    workers = []

    def start_worker(*, beat: bool = True, **env) -> Worker:
        worker = Worker(broker=redis.url, workdir=tmp_path, beat=beat, **env)
        worker.start()
        workers.append(worker)
        return worker

    try:
        with celery_broker(redis.url):
            yield redis, start_worker
    finally:
        for worker in workers:
            worker.stop()
        redis.stop()
        # The worker's connections are gone; pytest may flush the tables.
        connection.close()


def pdf_files() -> list[Path]:
    return sorted((Path(settings.MEDIA_ROOT) / "editions").rglob("*.pdf"))


def body_with_chinese() -> str:
    return f"# Introduction\n\nEvaluating medical LLMs.\n\n{CHINESE}\n"


@pytest.fixture
def chinese_lifecycle(lifecycle, monkeypatch):
    """Drafts whose first version has a Chinese sentence."""
    original = lifecycle.draft

    def draft(**kwargs):
        from standards import services

        standard = original(with_version=False, **kwargs)
        services.version_create(
            standard_id=standard.pk,
            actor=lifecycle.w.member,
            body=body_with_chinese(),
            change_summary="First version",
        )
        return standard

    monkeypatch.setattr(lifecycle, "draft", draft)
    return lifecycle


@pytest.mark.cjk_font
def test_publishing_yields_a_ready_pdf_within_a_bounded_time(
    services_up, chinese_lifecycle
):
    _redis, start_worker = services_up
    worker = start_worker()
    standard = chinese_lifecycle.certified()

    started = time.monotonic()
    chinese_lifecycle.go(standard, "publish", chinese_lifecycle.w.leader)
    edition = Edition.objects.get(standard=standard)

    def ready():
        edition.refresh_from_db()
        return not edition.pdf_being_prepared

    wait_until(ready, timeout=60, what="the PDF is rendered\n" + worker.tail())
    elapsed = time.monotonic() - started
    assert edition.pdf_state == Edition.PdfState.READY, edition.pdf_error
    (path,) = pdf_files()
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    standard.refresh_from_db()
    assert standard.number in text
    assert standard.title in text
    assert CHINESE in text.replace("\n", "")
    assert f"page 1 of {len(reader.pages)}" in text
    print(  # noqa: T201 — the figure for the issue
        f"publish → PDF ready in {elapsed:.1f} s "
        f"({edition.pdf_pages} pages, {edition.pdf_size} bytes)"
    )


def test_broker_down_requests_succeed_and_every_notification_goes_out_once(
    services_up, chinese_lifecycle, client
):
    redis, start_worker = services_up
    worker = start_worker()
    w = chinese_lifecycle.w

    client.force_login(w.member)
    client.get("/")  # first request of the process: imports, templates
    redis.stop()
    timings = {}

    def timed(label, action):
        started = time.monotonic()
        result = action()
        timings[label] = time.monotonic() - started
        return result

    standard = timed("create a draft", chinese_lifecycle.draft)
    client.force_login(w.member)
    response = timed(
        "submit (web)",
        lambda: client.post(
            reverse("standards:transition", args=[standard.pk, "submit"]),
            {"comment": "", "expected_status": "draft"},
        ),
    )
    assert response.status_code in (200, 302), response.content[:500]
    from standards import services

    timed(
        "assign experts",
        lambda: services.experts_assign(
            standard_id=standard.pk, actor=w.deputy, experts=[w.expert1, w.expert2]
        ),
    )
    for expert in (w.expert1, w.expert2):
        timed(
            f"recommend ({expert.username})",
            lambda expert=expert: services.recommendation_give(
                standard_id=standard.pk, actor=expert, decision="approve"
            ),
        )
    client.force_login(w.deputy)
    response = timed(
        "advance to audit (web)",
        lambda: client.post(
            reverse("standards:transition", args=[standard.pk, "advance_to_audit"]),
            {"comment": "", "expected_status": "expert_review"},
        ),
    )
    assert response.status_code in (200, 302)
    timed("certify", lambda: chinese_lifecycle.go(standard, "certify", w.auditor))
    timed("publish", lambda: chinese_lifecycle.go(standard, "publish", w.leader))
    client.force_login(w.deputy)
    for label, url in (
        ("home page", "/"),
        ("notifications page", reverse("notifications:list")),
        ("draft page", reverse("standards:draft", args=[standard.pk])),
    ):
        response = timed(label, lambda url=url: client.get(url))
        assert response.status_code == 200, label

    slowest = max(timings.values())
    print(  # noqa: T201
        "with the broker down: "
        + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in timings.items())
    )
    assert slowest < 2, timings
    expected = Notification.objects.count()
    assert expected >= 10
    assert Notification.objects.unsent().count() == expected
    assert worker.mails() == []

    redis.start()

    def all_sent():
        return not Notification.objects.unsent().exists()

    wait_until(
        all_sent,
        timeout=60,
        interval=0.5,
        what="the sweep sends every notification\n" + worker.tail(),
    )
    edition = Edition.objects.get(standard=standard)

    def rendered():
        edition.refresh_from_db()
        return edition.pdf_state == Edition.PdfState.READY

    wait_until(rendered, timeout=60, what="the sweep renders the PDF\n" + worker.tail())
    time.sleep(5)  # a few more sweeps: nothing is sent twice
    assert (
        len(worker.mails())
        == expected
        == Notification.objects.filter(emailed=True).count()
    )
    assert len(pdf_files()) == 1


def renders_logged(worker: Worker, edition: Edition) -> int:
    """How many renders of ``edition`` were stored (one log line each)."""
    return len(
        re.findall(
            rb"edition %d: \d+ pages, \d+ bytes" % edition.pk,
            worker.log.read_bytes(),
        )
    )


def test_a_render_killed_with_its_worker_is_redone_once_after_restart(
    services_up, lifecycle
):
    _redis, start_worker = services_up
    # A short lease (soft limit 20 s + 2 s to the hard limit + 5 s): the
    # render waits 6 s before it starts, and is killed in the meantime.
    worker = start_worker(
        PORTAL_PDF_TEST_DELAY="6",
        PORTAL_PDF_SOFT_TIME_LIMIT="20",
        PORTAL_PDF_HARD_LIMIT_MARGIN="2",
    )
    lease = 20 + 2 + 5

    standard = lifecycle.published()
    edition = Edition.objects.get(standard=standard)

    def claimed():
        edition.refresh_from_db()
        return edition.pdf_state == Edition.PdfState.RENDERING

    wait_until(claimed, timeout=30, what="the render starts\n" + worker.tail())
    time.sleep(1)
    worker.kill(signal.SIGKILL)
    edition.refresh_from_db()
    # The dead worker's claim stays until its lease has passed.
    assert edition.pdf_state == Edition.PdfState.RENDERING
    claimed_until = edition.pdf_claimed_until
    assert lease - 10 < (claimed_until - timezone.now()).total_seconds() <= lease
    assert pdf_files() == []

    restarted = start_worker(PORTAL_PDF_TEST_DELAY="1")

    # The restarted worker's sweeps leave the render alone while the lease
    # holds (checked a second before it ends, if the restart left time)...
    left = (claimed_until - timezone.now()).total_seconds()
    if left > 1.5:
        time.sleep(left - 1)
        edition.refresh_from_db()
        assert edition.pdf_state == Edition.PdfState.RENDERING
        assert pdf_files() == []

    # ...and queue it once the lease has passed.
    def ready():
        edition.refresh_from_db()
        return not edition.pdf_being_prepared

    wait_until(ready, timeout=60, what="the render is redone\n" + restarted.tail())
    assert timezone.now() >= claimed_until
    assert edition.pdf_state == Edition.PdfState.READY, edition.pdf_error
    assert edition.pdf_claimed_until is None
    sha256 = edition.pdf_sha256
    time.sleep(3)  # duplicate deliveries (sweep) find it done
    assert len(pdf_files()) == 1
    edition.refresh_from_db()
    assert edition.pdf_sha256 == sha256
    assert renders_logged(restarted, edition) == 1


def test_a_render_claimed_by_a_dead_worker_is_redone_by_a_retry_without_beat(
    services_up, lifecycle, settings
):
    _redis, start_worker = services_up
    worker = start_worker(beat=False)  # no sweeps: only the retry can redo it
    with mock.patch("standards.pdf.enqueue"):  # not queued when published
        standard = lifecycle.published()
    edition = Edition.objects.get(standard=standard)
    # A worker claims the render for 10 s and is killed before it renders.
    settings.PDF_CLAIM_LEASE = 10
    with (
        mock.patch.object(pdf, "_test_delay", side_effect=SystemExit),
        pytest.raises(SystemExit),
    ):
        pdf.edition_render_pdf(edition_id=edition.pk)
    edition.refresh_from_db()
    claimed_until = edition.pdf_claimed_until
    assert edition.pdf_state == Edition.PdfState.RENDERING

    # The broker redelivers its task to this worker, which finds the render
    # claimed, and looks again once the lease has passed.
    pdf.edition_render_enqueue(edition.pk)
    wait_until(
        lambda: b"Retry in" in worker.log.read_bytes(),
        timeout=30,
        what="the task retries\n" + worker.tail(),
    )
    edition.refresh_from_db()
    assert edition.pdf_state == Edition.PdfState.RENDERING
    assert edition.pdf_claimed_until == claimed_until

    def ready():
        edition.refresh_from_db()
        return not edition.pdf_being_prepared

    wait_until(ready, timeout=60, what="the retry renders it\n" + worker.tail())
    assert edition.pdf_state == Edition.PdfState.READY, edition.pdf_error
    assert timezone.now() >= claimed_until
    assert len(pdf_files()) == 1
    assert renders_logged(worker, edition) == 1
