"""A real HTTP receiver on loopback, and the lifecycle world of the
standards tests."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.standards.conftest import lifecycle, world  # noqa: F401


class Receiver:
    """An HTTP server on 127.0.0.1 (a free port) that records every POST and
    answers with the next of ``statuses`` (200 once they run out)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                receiver.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def events(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.requests]

    def kinds(self) -> list[str]:
        return [event["kind"] for event in self.events()]


@pytest.fixture
def receiver(settings):
    settings.PORTAL_WEBHOOKS_ALLOW_PRIVATE = True
    server = Receiver()
    server.thread.start()
    try:
        yield server
    finally:
        server.server.shutdown()
        server.server.server_close()


@pytest.fixture
def no_pdf_renders(monkeypatch):
    from standards import services

    monkeypatch.setattr(services.history, "edition_published_hooks", [])
    monkeypatch.setattr(services.history, "audit_certified_hooks", [])
