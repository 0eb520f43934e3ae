"""`make bench`: generate the data set on PostgreSQL, serve the portal with
gunicorn (2 workers, debug off) on loopback and measure it with wrk.

Environment (all optional):
  BENCH_STANDARDS     standards in the data set (default 10000)
  BENCH_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/portal_bench,
                      portal_bench_<count> for another BENCH_STANDARDS
                      (dropped and created again unless BENCH_REUSE=1 and it
                      already holds the data set)
  BENCH_DURATION      seconds of load per address (default 10)
  BENCH_CONNECTIONS   wrk connections (default 4), BENCH_THREADS (default 2)
  BENCH_PORT          default 8765
  BENCH_GUNICORN_THREADS  threads per worker (gunicorn's gthread workers);
                      unset, the sync workers of production (Dockerfile)
  BENCH_REDIS_URL     the cache shared by the workers, as in production
                      (default redis://127.0.0.1:6379/14, emptied first;
                      "" = each worker's own memory)
  BENCH_UNCACHED      1 (default) also measures every address with the
                      public cache off (PORTAL_PUBLIC_CACHE_TIMEOUT=0): what a
                      search nobody made before costs; 0 skips that pass
  BENCH_ONLY          measure only the addresses whose name contains one of
                      these comma-separated words (and the bare view), e.g.
                      "review,API"; prints the table without writing
                      bench/results.json
  BENCH_MIX           1 (default) replays the request mix first (bench/mix.py):
                      BENCH_MIX_REQUESTS (4000), BENCH_MIX_CLIENTS (4),
                      BENCH_MIX_SEED (19), BENCH_MIX_ZIPF (1.0); BENCH_MIX_LOG
                      replays a log written before (bench/mix-<n>.jsonl);
                      BENCH_MIX_RECORDS=FILE writes every request's kind,
                      time, status, cache outcome and address there (JSON)
  BENCH_ADDRESSES     1 (default) then measures each address alone with wrk
  BENCH_PUBLISH       certified standards the leader publishes through the API
                      during the first pass, one after the other (default 5;
                      0 skips): what a write costs, and that publishing on the
                      data set gets the next free numbers

Every address is measured as served in production: from the public cache
when the same page was asked for before (wrk repeats one address). The
second pass measures the work behind it.

Writes bench/results.json and prints a table.
"""

import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import mix  # noqa: E402 — bench/mix.py

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
STANDARDS = int(os.environ.get("BENCH_STANDARDS", "10000"))  # bench/generate.py
# A data set of another size has a database of its own: both can be kept.
DB_URL = os.environ.get(
    "BENCH_DATABASE_URL",
    "postgres://postgres@127.0.0.1:5432/portal_bench"
    + ("" if STANDARDS == 10_000 else f"_{STANDARDS}"),
)
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
# Threads per gunicorn worker (gthread); none, as in production, by default.
GUNICORN_THREADS = int(os.environ.get("BENCH_GUNICORN_THREADS", "0"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
UNCACHED = os.environ.get("BENCH_UNCACHED", "1") == "1"
ONLY = [w.strip() for w in os.environ.get("BENCH_ONLY", "").split(",") if w.strip()]
BASE = f"http://127.0.0.1:{PORT}"
PASSWORD = os.environ.get("BENCH_PASSWORD", "bench-pass-2024")
DEPUTY = os.environ.get("BENCH_DEPUTY", "bench-deputy")
LEADER = "bench-leader"  # made by bench/generate.py
PUBLISH = int(os.environ.get("BENCH_PUBLISH", "5"))

TARGETS_MS = {"page": 100, "api": 50}
# The request mix (bench/mix.py).
MIX_REQUESTS = int(os.environ.get("BENCH_MIX_REQUESTS", "4000"))
MIX_CLIENTS = int(os.environ.get("BENCH_MIX_CLIENTS", "4"))
MIX_SEED = int(os.environ.get("BENCH_MIX_SEED", "19"))
MIX_ZIPF = float(os.environ.get("BENCH_MIX_ZIPF", "1.0"))
MIX = os.environ.get("BENCH_MIX", "1") == "1"
# The addresses measured one by one with wrk (the first table before the mix).
ADDRESSES = os.environ.get("BENCH_ADDRESSES", "1") == "1"


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def django_env(**extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PORTAL_", "REDIS_URL"))
    }
    env.update(
        DATABASE_URL=DB_URL,
        DJANGO_DEBUG="1",
        PORTAL_DATA_DIR=str(ROOT / "var" / "bench"),
        STATIC_ROOT=str(ROOT / "var" / "bench" / "static"),
    )
    env.update(extra)
    return env


def manage(*args, **env) -> str:
    result = subprocess.run(
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=django_env(**env),
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    log("installing wrk (apt-get install -y wrk)")
    subprocess.run(["apt-get", "update", "-qq"], check=False)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    path = shutil.which("wrk")
    if not path:
        raise SystemExit("wrk is not available")
    return path


def psql_admin(sql: str) -> None:
    parsed = urllib.parse.urlparse(DB_URL)
    admin = parsed._replace(path="/postgres").geturl()
    subprocess.run(["psql", admin, "-qc", sql], check=True)


def database_has_data() -> bool:
    try:
        out = subprocess.run(
            ["psql", DB_URL, "-Atc", "SELECT count(*) FROM standards_standard"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except subprocess.CalledProcessError:
        return False
    # The size asked for, exactly: the benchmark's writes publish standards
    # but add none.
    return int(out.strip() or 0) == STANDARDS


def script_json(script: str) -> dict:
    """What a bench script run on the data set's database prints (JSON)."""
    out = subprocess.run(
        [PY, script],
        cwd=ROOT,
        env=django_env(),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)


def prepare() -> dict:
    name = urllib.parse.urlparse(DB_URL).path.lstrip("/")
    if os.environ.get("BENCH_REUSE") == "1" and database_has_data():
        log(f"reusing the data set in {name} (migrating it first)")
        manage("migrate", "--noinput", "-v0")
        return {"reused": True}
    log(f"creating database {name}")
    psql_admin(f'DROP DATABASE IF EXISTS "{name}"')
    psql_admin(f'CREATE DATABASE "{name}"')
    log("migrate, load_working_group")
    manage("migrate", "--noinput", "-v0")
    manage("load_working_group")
    log(f"generating the data set ({STANDARDS} standards)")
    started = time.monotonic()
    generated = script_json("bench/generate.py")
    generated["wall_seconds"] = round(time.monotonic() - started, 1)
    log(f"generated in {generated['wall_seconds']} s: {generated}")
    return generated


def serve(*, cached: bool = True):
    log("collectstatic")
    env = django_env(
        REDIS_URL=REDIS_URL,
        PORTAL_PUBLIC_CACHE_TIMEOUT="600" if cached else "0",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain HTTP on loopback: no HTTPS redirect, cookies without Secure.
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_HSTS_SECONDS="0",
        PORTAL_BENCH="1",
        # The API's per-client throttle would answer 429 to a load generator.
        PORTAL_API_THROTTLE_ANON="100000000/minute",
        PORTAL_API_THROTTLE_USER="100000000/minute",
        LOG_LEVEL="WARNING",
    )
    subprocess.run(
        [PY, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    if REDIS_URL:
        # Start from an empty cache; the bench's own Redis database.
        subprocess.run(
            [PY, "-c", f"import redis; redis.Redis.from_url({REDIS_URL!r}).flushdb()"],
            check=True,
        )
    log(f"gunicorn, 2 workers, on {BASE}, public cache {'on' if cached else 'off'}")
    process = subprocess.Popen(
        [
            GUNICORN,
            "portal.wsgi:application",
            "--workers",
            "2",
            *(["--threads", str(GUNICORN_THREADS)] if GUNICORN_THREADS else []),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(BASE + "/healthz", timeout=10)
            return process
        except OSError:  # refused, reset or timed out while workers boot
            time.sleep(0.5)
    stop(process)
    raise SystemExit("gunicorn did not start")


def stop(process) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def login(username: str = DEPUTY) -> str:
    """Sign in like a browser (as the deputy leader unless told); the
    session cookie."""
    opener = urllib.request.build_opener(NoRedirect)
    response = opener.open(BASE + "/accounts/login/", timeout=10)
    cookies = _cookies(response.headers)
    page = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(
        BASE + "/accounts/login/",
        data=data,
        headers={
            "Cookie": f"csrftoken={cookies['csrftoken']}",
            "Referer": BASE + "/accounts/login/",
        },
    )
    try:
        opener.open(request, timeout=10)
    except urllib.error.HTTPError as exc:  # the redirect after signing in
        session = _cookies(exc.headers).get("sessionid")
        if exc.code == 302 and session:
            return session
        raise
    raise SystemExit(f"signing in as {username} failed")


def _cookies(headers) -> dict:
    found = {}
    for header in headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        found[name.strip()] = rest.split(";")[0]
    return found


def sample_ids() -> dict:
    query = (
        "SELECT (SELECT standard_id FROM standards_edition e "
        " JOIN standards_standard s ON s.id = e.standard_id "
        " WHERE s.status = 'published' GROUP BY standard_id "
        " ORDER BY count(*) DESC, standard_id LIMIT 1),"
        "(SELECT slug FROM committees_field WHERE parent_id IS NULL "
        ' ORDER BY "order", id LIMIT 1)'
    )
    out = subprocess.run(
        ["psql", DB_URL, "-Atc", query], capture_output=True, text=True, check=True
    ).stdout.strip()
    standard_id, field = out.split("|")
    return {"standard": int(standard_id), "field": field}


def addresses(ids: dict, session: str) -> list[dict]:
    cookie = {"Cookie": f"sessionid={session}"}
    q_en = urllib.parse.quote("evaluation robustness")
    q_zh = urllib.parse.quote("评测")
    return [
        {"name": "home", "path": "/", "kind": "page"},
        {
            "name": "catalogue (filtered)",
            "path": f"/standards/?field={ids['field']}&status=published&sort=date",
            "kind": "page",
        },
        {"name": "search (English)", "path": f"/standards/?q={q_en}", "kind": "page"},
        {"name": "search (Chinese)", "path": f"/standards/?q={q_zh}", "kind": "page"},
        {
            "name": "standard page",
            "path": f"/standards/{ids['standard']}/",
            "kind": "page",
        },
        {
            "name": "review queue (deputy)",
            "path": "/review/",
            "kind": "page",
            "headers": cookie,
        },
        {"name": "API list", "path": "/api/v1/standards/", "kind": "api"},
        {
            "name": "API detail",
            "path": f"/api/v1/standards/{ids['standard']}/",
            "kind": "api",
        },
        {
            "name": "bare view (ceiling)",
            "path": "/bench/ceiling.json",
            "kind": "ceiling",
        },
    ]


def probe(address: dict) -> int:
    request = urllib.request.Request(
        BASE + address["path"], headers=address.get("headers", {})
    )
    opener = urllib.request.build_opener(NoRedirect)
    try:
        return opener.open(request, timeout=30).status
    except urllib.error.HTTPError as exc:
        return exc.code


def measure(wrk: str, address: dict) -> dict:
    status = probe(address)
    row = {"name": address["name"], "path": address["path"], "status": status}
    if status != 200:
        row["skipped"] = f"HTTP {status}"
        return row
    command = [
        wrk,
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{DURATION}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "bench" / "report.lua"),
    ]
    for name, value in address.get("headers", {}).items():
        command += ["-H", f"{name}: {value}"]
    command.append(BASE + address["path"])
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    figures = json.loads(out.split("BENCH_JSON", 1)[1].strip().splitlines()[0])
    row.update(figures)
    return row


def verdicts(rows: list[dict]) -> None:
    ceiling = next((r for r in rows if r["name"].startswith("bare")), {})
    for row in rows:
        if "p95_ms" not in row:
            continue
        kind = next(a for a in ADDRESS_KINDS if a[0] == row["name"])[1]
        if kind == "ceiling":
            continue
        target = TARGETS_MS[kind]
        row["target_p95_ms"] = target
        row["p95_met"] = row["p95_ms"] <= target
        if row["name"] == "API list" and ceiling.get("rps"):
            row["share_of_ceiling_rps"] = round(row["rps"] / ceiling["rps"], 2)


ADDRESS_KINDS: list[tuple[str, str]] = []


def table(rows: list[dict]) -> str:
    lines = [
        f"{'address':<24} {'status':>6} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'req/s':>8}  target",
        "-" * 72,
    ]
    for row in rows:
        if "p95_ms" not in row:
            lines.append(f"{row['name']:<24} {row['status']:>6}  skipped")
            continue
        target = ""
        if "target_p95_ms" in row:
            ok = "met" if row["p95_met"] else "MISSED"
            target = f"p95 <= {row['target_p95_ms']} ms {ok}"
        if "share_of_ceiling_rps" in row:
            target += f"; {row['share_of_ceiling_rps']:.0%} of ceiling req/s"
        lines.append(
            f"{row['name']:<24} {row['status']:>6} {row['p50_ms']:>8.1f} "
            f"{row['p95_ms']:>8.1f} {row['rps']:>8.1f}  {target}"
        )
    return "\n".join(lines)


def _chosen(name: str) -> bool:
    return any(word in name for word in ONLY)


def certified_ids(count: int) -> list[int]:
    out = subprocess.run(
        [
            "psql",
            DB_URL,
            "-Atc",
            "SELECT id FROM standards_standard WHERE status = 'certified' "
            f"ORDER BY id LIMIT {int(count)}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [int(line) for line in out.split()]


def api_call(method: str, path: str, *, token: str = "", data=None):
    """(status, JSON body, milliseconds) of one API request."""
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        BASE + path,
        data=json.dumps(data).encode() if data is not None else None,
        headers=headers,
        method=method,
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read()
    elapsed = (time.monotonic() - started) * 1000
    try:
        parsed = json.loads(body or b"{}")
    except ValueError:
        parsed = {"raw": body[:200].decode(errors="replace")}
    return status, parsed, elapsed


def publish_writes(count: int) -> dict:
    """The leader publishes ``count`` certified standards through the API,
    one after the other: the latency of a write, and the numbers given
    (the next free ones of this year: the data set's counters follow the
    numbers in use)."""
    ids = certified_ids(count)
    status, body, _ms = api_call(
        "POST",
        "/api/v1/auth/tokens/",
        data={"username": LEADER, "password": PASSWORD, "name": "bench"},
    )
    if status != 201:
        return {"name": "publish (API)", "status": status, "skipped": str(body)}
    token = body["token"]
    times, numbers, failures = [], [], []
    for standard_id in ids:
        path = f"/api/v1/standards/{standard_id}/transitions/publish/"
        log(f"publishing standard {standard_id} ({path})")
        status, body, elapsed = api_call("POST", path, token=token, data={})
        times.append(elapsed)
        if status == 200:
            numbers.append(body.get("number"))
        else:
            failures.append({"standard": standard_id, "status": status, "body": body})
    times.sort()
    row = {
        "name": "publish (API)",
        "path": "/api/v1/standards/{id}/transitions/publish/",
        "status": 200 if not failures else failures[0]["status"],
        "count": len(ids),
        "numbers": numbers,
        "failures": failures,
    }
    if times:
        row["p50_ms"] = round(times[len(times) // 2], 1)
        row["p95_ms"] = round(times[min(len(times) - 1, int(len(times) * 0.95))], 1)
        row["max_ms"] = round(times[-1], 1)
    return row


def run_pass(
    wrk: str, ids: dict, *, cached: bool, writes: list | None = None
) -> list[dict]:
    server = serve(cached=cached)
    try:
        session = login()
        if writes is not None and PUBLISH and (not ONLY or _chosen("publish")):
            writes.append(publish_writes(PUBLISH))
        rows = []
        for address in addresses(ids, session):
            name = address["name"]
            if ONLY and name != "bare view (ceiling)" and not _chosen(name):
                continue
            if (address["name"], address["kind"]) not in ADDRESS_KINDS:
                ADDRESS_KINDS.append((address["name"], address["kind"]))
            log(f"measuring {address['name']} ({address['path']})")
            rows.append(measure(wrk, address))
    finally:
        stop(server)
    verdicts(rows)
    return rows


# The bench's user of each role (bench/generate.py, bench/people.py).
ROLE_USERS = {
    "leader": LEADER,
    "deputy": DEPUTY,
    "expert": "bench-expert",
    "auditor": "bench-auditor",
    "member": "bench-member",
}


def people() -> dict:
    """The users of each role, with work of their own (idempotent)."""
    return script_json("bench/people.py")


def mix_log(size: int) -> tuple[list, Path]:
    """The request log of this data set: read from ``BENCH_MIX_LOG`` when
    given (a replay), else generated from the corpus and written beside the
    results, so that it can be replayed."""
    import psycopg

    given = os.environ.get("BENCH_MIX_LOG")
    if given:
        return mix.read_log(Path(given)), Path(given)
    with psycopg.connect(DB_URL) as conn:
        log_ = mix.generate_log(conn, MIX_REQUESTS, seed=MIX_SEED, zipf=MIX_ZIPF)
    path = ROOT / "bench" / f"mix-{size}.jsonl"
    mix.write_log(log_, path)
    return log_, path


# Every table, index and TOAST table of the data set, read into PostgreSQL's
# shared buffers as far as they hold it, and so through the operating
# system's page cache (pg_prewarm, in PostgreSQL's contrib).
PREWARM = """
CHECKPOINT;
CREATE EXTENSION IF NOT EXISTS pg_prewarm;
SELECT pg_size_pretty(sum(pg_prewarm(c.oid::regclass, 'buffer'))
                      * current_setting('block_size')::bigint)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname IN ('public', 'pg_toast') AND c.relkind IN ('r', 'i', 't', 'm')
"""


def warm_database() -> None:
    """Read the data set into memory before it is measured, as a database
    that has been serving has its pages there. A data set just written, or
    reused, is partly on disk only: this VM's page cache held 3.5 of the
    4.7 GB at 100,000 standards, and the mix then measured reads from disk
    (p99 over 500 ms, the bare view's p95 73 ms where it is 60 with the data
    in memory). 12 s at 100,000 standards, 1 s at 10,000. A checkpoint
    first writes out what the generation left to write, which a run just
    after it otherwise shared the disk with."""
    started = time.monotonic()
    done = subprocess.run(
        ["psql", DB_URL, "-Atc", PREWARM], capture_output=True, text=True
    )
    if done.returncode:
        log(f"could not read the data set into memory: {done.stderr.strip()}")
        return
    size = done.stdout.strip().splitlines()[-1]
    log(f"read the data set into memory ({size}) in {time.monotonic() - started:.1f} s")


def run_mix(size: int) -> dict:
    """The request mix, replayed against gunicorn with the public cache on
    (through Redis, emptied first), by ``BENCH_MIX_CLIENTS`` clients."""
    log_, path = mix_log(size)
    log(f"request mix: {len(log_)} requests from {path}")
    warm_database()
    server = serve(cached=True)
    try:
        sessions = {role: login(user) for role, user in ROLE_USERS.items()}
        # Warm each worker (imports, connections, templates) off the record.
        for path_ in ("/bench/ceiling.json", "/healthz") * 4:
            probe({"path": path_})
        result = mix.replay(
            log_,
            host="127.0.0.1",
            port=PORT,
            sessions=sessions,
            clients=MIX_CLIENTS,
        )
    finally:
        stop(server)
    result["log"] = str(path)
    result["standards"] = size
    return result


def check_redis() -> None:
    global REDIS_URL
    if not REDIS_URL:
        return
    probe = subprocess.run(
        [PY, "-c", f"import redis; redis.Redis.from_url({REDIS_URL!r}).ping()"],
        capture_output=True,
    )
    if probe.returncode:
        log(f"Redis at {REDIS_URL} does not answer: each worker caches alone")
        REDIS_URL = ""


def results_path() -> Path:
    """bench/results.json at 10,000 standards, results-<n>.json at others."""
    name = "results.json" if STANDARDS == 10_000 else f"results-{STANDARDS}.json"
    return ROOT / "bench" / name


def main() -> int:
    check_redis()
    wrk = ensure_wrk() if ADDRESSES else None
    generated = prepare()
    generated["people"] = people()
    mixed = run_mix(STANDARDS) if MIX and not ONLY else None
    rows, uncached, writes = [], [], []
    if ADDRESSES:
        warm_database()
        ids = sample_ids()
        rows = run_pass(wrk, ids, cached=True, writes=writes)
        uncached = run_pass(wrk, ids, cached=False) if UNCACHED else []
    results = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "load": {
            "tool": "wrk",
            "duration_s": DURATION,
            "connections": CONNECTIONS,
            "threads": THREADS,
            "gunicorn_workers": 2,
            "gunicorn_threads": GUNICORN_THREADS or 1,
        },
        "cache": REDIS_URL or "each worker's memory",
        "standards": STANDARDS,
        "data": generated,
        "mix": mixed,
        "results": rows,
        "results_public_cache_off": uncached,
        "writes": writes,
    }
    if not ONLY:
        results_path().write_text(json.dumps(results, indent=2) + "\n")
    print()
    if mixed:
        print(
            mix.table(
                mixed,
                title=f"The request mix at {STANDARDS:,} standards "
                f"(public cache on, shared through Redis; {mixed['log']}):",
            )
        )
        print()
    if rows:
        print("Each address alone, as served (public cache on, through Redis):")
        print(table(rows))
    if uncached:
        print(
            "\nThe work behind it (public cache off: a page nobody asked for before):"
        )
        print(table(uncached))
    for write in writes:
        if "skipped" in write:
            print(f"\n{write['name']}: skipped ({write['status']}: {write['skipped']})")
            continue
        print(
            f"\n{write['name']}: {write['count']} standards, p50 "
            f"{write.get('p50_ms', 0):.1f} ms, max {write.get('max_ms', 0):.1f} ms; "
            f"numbers {', '.join(n or '?' for n in write['numbers'])}"
        )
        for failure in write["failures"]:
            print(f"  FAILED {failure}")
    if generated.get("seconds"):
        total = generated["seconds"]["total"]
        print(f"\ndata generation: {total} s")
    if ONLY:
        print(f"BENCH_ONLY={','.join(ONLY)}: {results_path()} left as it was")
    else:
        print(f"results: {results_path()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
