"""SENTRY_DSN: the settings start sentry-sdk, and an error of the portal
reaches the Sentry server named by the DSN (a local HTTP server started by
the test that records what it receives)."""

import gzip
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

from .ops_fixtures import free_port

BASE_DIR = Path(__file__).resolve().parents[2]


class _Recorder(http.server.BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":  # sentry-sdk compresses so when brotli is there
            import brotli

            body = brotli.decompress(body)
        type(self).received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_an_error_reaches_the_sentry_server_of_the_dsn(tmp_path):
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Recorder.received = []
    try:
        env = {
            **os.environ,
            "SENTRY_DSN": f"http://publickey@127.0.0.1:{port}/42",
            "SENTRY_ENVIRONMENT": "ops-test",
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        }
        env.pop("DJANGO_TESTING", None)
        script = (
            "import django; django.setup()\n"
            "import sentry_sdk\n"
            "try:\n"
            "    1 / 0\n"
            "except ZeroDivisionError:\n"
            "    sentry_sdk.capture_exception()\n"
            "sentry_sdk.flush(10)\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=BASE_DIR,
            env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings"},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
    finally:
        server.shutdown()
    bodies = b"".join(_Recorder.received)
    assert b"ZeroDivisionError" in bodies
    assert b'"environment":"ops-test"' in bodies.replace(b" ", b"")
