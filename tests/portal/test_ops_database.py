"""psycopg 3, and Django's connection pool from the environment
(DATABASE_POOL=1 with its sizes), in a process started as production is."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, django
django.setup()
from django.conf import settings
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT 1")
    one = cursor.fetchone()[0]
pool = connection.pool
print(json.dumps({
    "one": one,
    "driver": type(connection.connection).__module__,
    "pool": type(pool).__name__ if pool else None,
    "sizes": [pool.min_size, pool.max_size] if pool else None,
    "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
}))
"""


def _run(**extra) -> dict:
    settings_dict = connection.settings_dict
    auth = settings_dict["USER"] + (
        f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    )
    host = f"{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"postgres://{auth}@{host}/{settings_dict['NAME']}",
        **extra,
    }
    if "DATABASE_POOL" not in extra:
        env.pop("DATABASE_POOL", None)
    env.pop("DATABASE_CONN_MAX_AGE", None)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_pool_of_psycopg_3_connections_from_the_environment():
    pooled = _run(
        DATABASE_POOL="1", DATABASE_POOL_MIN_SIZE="1", DATABASE_POOL_MAX_SIZE="4"
    )
    assert pooled == {
        "one": 1,
        "driver": "psycopg",
        "pool": "ConnectionPool",
        "sizes": [1, 4],
        # The pool replaces persistent connections.
        "conn_max_age": 0,
    }

    plain = _run()
    assert plain["driver"] == "psycopg"
    assert plain["pool"] is None
    assert plain["conn_max_age"] == 60
