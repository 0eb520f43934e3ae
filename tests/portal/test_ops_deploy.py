"""The compose stack and the proxy agree with the settings: web replicas
never migrate, every queue has a worker, one beat, nginx's body limit above
the portal's own, internal-only file locations."""

import re
from pathlib import Path

import yaml
from django.conf import settings

BASE_DIR = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
NGINX = (BASE_DIR / "deploy/nginx.conf").read_text()


def _command(service: str) -> str:
    command = COMPOSE["services"][service]["command"]
    return command if isinstance(command, str) else " ".join(command)


def test_only_the_one_off_step_migrates():
    assert "migrate --noinput" in _command("migrate")
    assert COMPOSE["services"]["migrate"]["restart"] == "no"
    for service in ("web", "worker", "worker-pdf", "beat"):
        assert "migrate" not in _command(service)
        depends = COMPOSE["services"][service]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}


def test_every_queue_has_a_worker_with_a_memory_bound():
    consumed = set()
    for service in ("worker", "worker-pdf"):
        command = _command(service)
        consumed |= set(re.search(r"-Q (\S+)", command).group(1).split(","))
        assert "--max-memory-per-child" in command
        assert "--concurrency" in command
    assert consumed == {queue.name for queue in settings.CELERY_TASK_QUEUES}


def test_beat_is_one_and_locked():
    assert "deploy" not in COMPOSE["services"]["beat"]
    assert settings.CELERY_BEAT_SCHEDULER == "portal.beat:LockedScheduler"
    assert "celery -A portal beat" in _command("beat")


def test_the_proxy_allows_slightly_more_than_the_portal():
    size = re.search(r"client_max_body_size (\d+)m;", NGINX).group(1)
    assert int(size) * 2**20 > settings.MAX_REQUEST_BYTES


def test_file_locations_of_the_proxy_are_internal():
    for location in ("location /_protected/media/", "location ~ ^/_s3/"):
        block = NGINX[NGINX.index(location) :]
        block = block[: block.index("}")]
        assert "internal;" in block
    assert settings.PORTAL_FILES_ACCEL_PREFIX in NGINX
    assert COMPOSE["x-portal"]["environment"]["PORTAL_FILES_ACCEL"] == "1"


def test_the_web_health_check_asks_readiness():
    test = " ".join(COMPOSE["services"]["web"]["healthcheck"]["test"])
    assert "/readyz" in test
