"""Scale-out, shown: two web processes and two Celery workers, all real
processes, on one PostgreSQL (pytest's test database), one Redis (a
redis-server of the test) and one S3 server (moto, started by the test).

A draft is created and its version uploaded through web A; it is read,
reviewed and taken to publication through web B; its PDF is rendered by
whichever worker takes the task. Nothing lives in a process: exactly one
PDF object results, rendered once, and each notification is written and
e-mailed once, with beat (embedded in worker A) sweeping every 2 s all the
while.

Every process runs as in production (gunicorn; ``DJANGO_DEBUG`` unset, not
in test mode, Django's connection pool on, media on S3), so the cache they
share carries the heartbeats and the PDF render times that either web
process reports. The callers authenticate with API tokens made in the test
database, hence ``transaction=True``.
"""

import collections
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from accounts import services as token_services
from notifications.models import Kind, Notification, Watch
from standards.models import Edition
from tests.notifications.broker import celery_broker
from tests.standards.conftest import markdown_file
from tests.standards.test_tasks_worker import CELERY, Worker

from .ops_fixtures import (
    S3_KEY,
    S3_SECRET,
    RedisServer,
    free_port,
    s3_endpoint_fixture,  # noqa: F401
    s3_fixture,  # noqa: F401
    wait_until,
)

pytestmark = [
    pytest.mark.redis,
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

BASE_DIR = Path(settings.BASE_DIR)
GUNICORN = Path(sys.executable).parent / "gunicorn"
METRICS_TOKEN = "scale-out-metrics-token"
NOTES = "# Notes\n\nBackground material, 评测 included.\n"


def _database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{auth}@{host}/{db['NAME']}"


def _shared_env(redis_url: str, s3) -> dict:
    """What every process of the deployment is given: the same database,
    Redis and bucket, and the settings of production (not the tests')."""
    return {
        "DJANGO_SECRET_KEY": f"scale-out-test-{'x' * 50}",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_url,
        "S3_BUCKET": s3.bucket,
        "S3_ENDPOINT_URL": s3.endpoint,
        "S3_ACCESS_KEY_ID": S3_KEY,
        "S3_SECRET_ACCESS_KEY": S3_SECRET,
        "S3_REGION": "us-east-1",
        "PYTHONPATH": str(BASE_DIR),
        # Django's connection pool in each process, as compose has it.
        "DATABASE_POOL": "1",
        "DATABASE_POOL_MIN_SIZE": "1",
        "DATABASE_POOL_MAX_SIZE": "4",
        # No proxy in front: files are redirects to presigned URLs.
        "PORTAL_FILES_ACCEL": "0",
        "PORTAL_TRUSTED_PROXIES": "0",
        "PORTAL_HEARTBEAT_SECONDS": "2",
        "PORTAL_METRICS_TOKEN": METRICS_TOKEN,
    }


class Web:
    """``gunicorn portal.wsgi`` on a port of its own, in its own process
    group, configured as in production."""

    def __init__(self, name: str, *, workdir: Path, env: dict):
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / f"web-{name}.log"
        self.env = {
            **os.environ,
            **env,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            # Plain HTTP on loopback, without the TLS proxy in front.
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "STATIC_ROOT": str(settings.STATIC_ROOT),
        }
        for variable in ("DJANGO_DEBUG", "DJANGO_TESTING", "PROMETHEUS_MULTIPROC_DIR"):
            self.env.pop(variable, None)
        self.process = None

    def start(self):
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    str(GUNICORN),
                    "portal.wsgi",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    "1",
                    "--timeout",
                    "30",
                    "--access-logfile",
                    "-",
                    # Two of them on one host: no shared ~/.gunicorn socket.
                    "--no-control-socket",
                ],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def ready(self) -> bool:
        assert self.process.poll() is None, self.tail()
        try:
            return self.request("GET", "/healthz")[0] == 200
        except OSError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self.process = None

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return f"--- web {self.name} ---\n" + "\n".join(text.splitlines()[-lines:])

    def request(self, method, path, *, token=None, data=None, files=None):
        """(status, headers, body) of one request; redirects are not followed."""
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        body = None
        if files is not None:
            body = encode_multipart(BOUNDARY, {**(data or {}), **files})
            headers["Content-Type"] = MULTIPART_CONTENT
        elif data is not None:
            body = json.dumps(data).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(
            self.url + path, data=body, method=method, headers=headers
        )
        try:
            with _NO_REDIRECTS.open(request, timeout=30) as answer:
                return answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def api(self, method, path, *, token, expect=200, **kwargs):
        status, _headers, body = self.request(
            method, f"/api/v1/{path}", token=token, **kwargs
        )
        assert status == expect, (
            f"{method} {path} via web {self.name}: {status} {body[:800]!r}\n"
            + self.tail()
        )
        return json.loads(body) if body else None

    def download(self, path, *, token) -> bytes:
        """A private file: the view checks the token, then sends the client
        to a short-lived presigned URL of the bucket."""
        status, headers, body = self.request("GET", f"/api/v1/{path}", token=token)
        assert status == 302, (status, body[:500])
        with urllib.request.urlopen(headers["Location"], timeout=10) as answer:  # noqa: S310
            return answer.read()


class _KeepRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 302 itself is the answer


_NO_REDIRECTS = urllib.request.build_opener(_KeepRedirect)


class NamedWorker(Worker):
    """The worker of tests/standards/test_tasks_worker.py, with a node name
    of its own (two workers on one host), consuming every queue, not in test
    mode."""

    def __init__(self, name: str, **kwargs):
        super().__init__(**kwargs)
        self.name = name
        # As deployed, like the web processes: one cache for all of them.
        self.env.pop("DJANGO_TESTING", None)

    def start(self):
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    str(CELERY),
                    "-A",
                    "portal",
                    "worker",
                    "-n",
                    f"{self.name}@%h",
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
        return self

    def ready(self) -> bool:
        assert self.process.poll() is None, self.tail()
        return b" ready." in self.log.read_bytes()

    def renders_of(self, edition: Edition) -> int:
        """Renders of ``edition`` this worker stored (one log line each)."""
        return len(
            re.findall(
                rb"edition %d: \d+ pages, \d+ bytes" % edition.pk,
                self.log.read_bytes(),
            )
        )

    def mail_recipients(self) -> list[str]:
        return [
            re.search(r"^To: (.+)$", mail, re.MULTILINE).group(1).strip()
            for mail in self.mails()
        ]


def _wait(condition, timeout: float, what: str, processes):
    """``wait_until``, telling the processes' last log lines if it fails."""
    try:
        return wait_until(condition, timeout=timeout, what=what)
    except AssertionError as error:
        raise AssertionError(
            "\n".join([str(error), *(process.tail() for process in processes)])
        ) from None


@pytest.fixture
def deployment(tmp_path, s3):
    """Two web processes and two workers (one with the single beat) on one
    database, one Redis and one bucket, started side by side."""
    redis = RedisServer(tmp_path).start()
    env = _shared_env(redis.url, s3)
    webs = [Web(name, workdir=tmp_path, env=env) for name in ("a", "b")]
    workers = []
    for name, beat in (("worker-a", True), ("worker-b", False)):
        workdir = tmp_path / name
        workdir.mkdir()
        workers.append(
            NamedWorker(name, broker=redis.url, workdir=workdir, beat=beat, **env)
        )
    try:
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda process: process.start(), [*webs, *workers]))
        for process in (*webs, *workers):
            _wait(process.ready, 60, f"{process.name} is ready", [process])
        with celery_broker(redis.url):
            yield webs, workers
    finally:
        for process in (*webs, *workers):
            process.stop()
        redis.stop()
        # The other processes' connections are gone; pytest may flush.
        connection.close()


def test_a_draft_goes_from_one_web_process_to_the_other_and_one_pdf_results(
    deployment, world, s3
):
    (web_a, web_b), workers = deployment
    w = world
    started = time.monotonic()
    tokens = {
        who: token_services.token_create(actor=getattr(w, who), name="scale-out").secret
        for who in ("member", "deputy", "expert1", "expert2", "auditor", "leader")
    }
    # Told of the publication: watchers of the field.
    Watch.objects.create(user=w.other_deputy, field=w.field)
    Watch.objects.create(user=w.expert1, field=w.field)

    # Web A: the member representative creates the draft and uploads a
    # version with a file; both processes see the readiness of the others.
    for web in (web_a, web_b):
        status, _headers, body = web.request("GET", "/readyz")
        assert status == 200, body
    draft = web_a.api(
        "POST",
        "standards/",
        token=tokens["member"],
        expect=201,
        data={
            "title": "Evaluating clinical LLM assistants",
            "scope": "How to evaluate them.",
            "field": w.subfield.pk,
        },
    )
    sid = draft["id"]
    web_a.api(
        "POST",
        f"standards/{sid}/versions/",
        token=tokens["member"],
        expect=201,
        data={
            "body": "# Scope\n\nThis standard specifies ...\n",
            "change_summary": "v1",
        },
        files={"files": markdown_file("notes.md", NOTES)},
    )

    # Web B reads what web A wrote: the row, and the file from the bucket.
    (version,) = web_b.api("GET", f"standards/{sid}/versions/", token=tokens["member"])[
        "results"
    ]
    (attachment,) = version["attachments"]
    assert attachment["sha256"] == hashlib.sha256(NOTES.encode()).hexdigest()
    assert attachment["download_url"].startswith(web_b.url)
    notes = web_b.download(
        f"standards/{sid}/attachments/{attachment['id']}/download/",
        token=tokens["deputy"],
    )
    assert notes == NOTES.encode()

    # Web B takes it through review, audit, certification and publication.
    def take(name, who, **data):
        return web_b.api(
            "POST",
            f"standards/{sid}/transitions/{name}/",
            token=tokens[who],
            data={"comment": f"{name} via web B", **data},
        )

    assert take("submit", "member")["status"] == "expert_review"
    experts = web_b.api(
        "GET", f"standards/{sid}/assignable-experts/", token=tokens["deputy"]
    )
    assert {w.expert1.pk, w.expert2.pk} <= {expert["id"] for expert in experts}
    web_b.api(
        "POST",
        f"standards/{sid}/assignments/",
        token=tokens["deputy"],
        expect=201,
        data={"experts": [w.expert1.pk, w.expert2.pk]},
    )
    for expert in ("expert1", "expert2"):
        web_b.api(
            "POST",
            f"standards/{sid}/recommendations/",
            token=tokens[expert],
            expect=201,
            data={"decision": "approve"},
        )
    assert take("advance_to_audit", "deputy")["status"] == "audit"
    assert take("certify", "auditor")["status"] == "certified"
    published = take("publish", "leader")
    assert published["status"] == "published"

    # Either worker renders the PDF; web A sees it ready.
    def rendered():
        (edition,) = web_a.api(
            "GET", f"standards/{sid}/editions/", token=tokens["member"]
        )["results"]
        return edition if edition["pdf_state"] in ("ready", "failed") else None

    edition = _wait(rendered, 60, "the PDF is rendered", workers)
    assert edition["pdf_state"] == "ready", edition
    pdf = web_b.download(
        f"standards/{sid}/editions/{edition['edition']}/pdf/",
        token=tokens["member"],
    )
    assert pdf.startswith(b"%PDF")
    assert hashlib.sha256(pdf).hexdigest() == edition["pdf_sha256"]

    # Every notification is sent; then beat's sweeps (every 2 s) have a few
    # rounds to send or render anything twice, and must not.
    _wait(
        lambda: not Notification.objects.unsent().exists(),
        30,
        "every notification is sent",
        workers,
    )
    time.sleep(4)

    # Both web processes hear the beat and a worker of each queue (their
    # heartbeats, written by the workers into the one cache).
    for web in (web_a, web_b):
        status, _headers, body = web.request("GET", "/readyz")
        assert status == 200, body
        assert json.loads(body)["status"] == "ok", body

    # The render times the worker recorded, at either web process's /metrics.
    for web in (web_a, web_b):
        status, _headers, body = web.request("GET", "/metrics", token=METRICS_TOKEN)
        assert status == 200
        for document in ("edition", "certificate"):
            count = (
                "portal_pdf_render_seconds_count"
                f'{{document="{document}",outcome="ready"}} 1.0'
            )
            assert count in body.decode().splitlines(), body.decode()[-3000:]

    row = Edition.objects.get(pk=edition["id"])
    edition_objects = [key for key in s3.keys if key.startswith("editions/")]
    assert edition_objects == [row.pdf.name]
    assert s3.read(row.pdf.name) == pdf
    renders = {worker.name: worker.renders_of(row) for worker in workers}
    assert sum(renders.values()) == 1, renders

    notifications = list(Notification.objects.filter(standard_id=sid))
    assert len(notifications) >= 10
    told = collections.Counter(
        (n.recipient_id, n.kind, n.message) for n in notifications
    )
    assert max(told.values()) == 1, [key for key, n in told.items() if n > 1]
    of_publication = collections.Counter(
        n.recipient_id for n in notifications if n.kind == Kind.PUBLISHED
    )
    assert of_publication == {w.other_deputy.pk: 1, w.expert1.pk: 1}
    # Each is e-mailed once, by one worker or the other.
    mailed = collections.Counter(
        address for worker in workers for address in worker.mail_recipients()
    )
    expected = collections.Counter(n.recipient.email for n in notifications)
    assert all(n.emailed for n in notifications)
    assert mailed == expected
    elapsed = time.monotonic() - started
    print(  # noqa: T201 — the figure for the issue
        f"two web processes, two workers: draft → published PDF in {elapsed:.1f} s; "
        f"renders by worker {renders}; "
        f"mails by worker { {x.name: len(x.mails()) for x in workers} }"
    )
