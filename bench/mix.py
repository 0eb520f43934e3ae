"""The request mix of `make bench` (issue 19): the traffic readers really
make, generated from the data set as a replayable log, and replayed by
several concurrent clients against the portal served as in production.

A log is a JSON-lines file, one request a line: ``{"kind", "path", "as"}``
(``as``: the role whose session the request carries, "" for a visitor).
It is generated from the corpus, deterministically for a seed:

- searches, English and Chinese: a few thousand distinct queries of one to
  three terms taken from the bodies (English words, Chinese bigrams), a
  quarter of them with a filter or a sort, some asking for a later page;
- the catalogue with combinations of its filters, sorts and pages;
- standard pages (in English and Chinese), diffs between editions, feeds,
  the home page;
- API lists with filters, orderings and pages, and API details;
- signed-in pages for each role: the review queue and "my work";
- the bare view, measured in the same run as the ceiling.

Each kind draws from its own population with a Zipf-like law (the r-th most
popular address is asked 1/r^s times as often as the first), so a few
addresses are asked again and again, and most are asked once: the public
cache serves the first, the database and the templates the others.

Every answer's ``X-Public-Cache`` header (portal.public_cache) tells whether
the public cache served it; a request the cache did not serve is "first
time" in the report.
"""

import http.client
import json
import math
import os
import random
import re
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path

# Shares of the mix, by kind (they add up to 1).
SHARES = {
    "search": 0.20,
    "search (Chinese)": 0.10,
    "catalogue": 0.12,
    "standard page": 0.17,
    "edition diff": 0.04,
    "feed": 0.04,
    "home": 0.04,
    "API list": 0.12,
    "API detail": 0.06,
    "review (signed in)": 0.04,
    "my work (signed in)": 0.04,
    "bare view (ceiling)": 0.03,
}
# Distinct addresses each kind draws from (its population).
POPULATION = {
    "search": 3000,
    "search (Chinese)": 1500,
    "catalogue": 1500,
    "standard page": 6000,
    "edition diff": 1000,
    "feed": 300,
    "API list": 2000,
    "API detail": 4000,
}
# p95 targets in milliseconds (issue 19), per kind and over the mix; an API
# list made for the first time has its own.
TARGET_MS = 100
TARGET_API_LIST_FIRST_MS = 50
ROLES = ("leader", "deputy", "expert", "auditor", "member")
CJK = re.compile(r"[\u3400-\u9fff]+")
WORD = re.compile(r"[A-Za-z][a-z]{3,}")
GLUE = {"shall", "should", "must", "with", "the", "and", "for", "are", "may"}


def zipf_weights(n: int, s: float) -> list[float]:
    return [1 / (r**s) for r in range(1, n + 1)]


def _corpus(conn) -> dict:
    """What the log is made from, read from the data set."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT standard_id FROM catalogue_searchdocument ORDER BY standard_id"
        )
        public = [row[0] for row in cur.fetchall()]
        cur.execute(
            "SELECT standard_id FROM standards_edition GROUP BY standard_id "
            "HAVING count(*) >= 2 ORDER BY standard_id"
        )
        with_editions = [row[0] for row in cur.fetchall()]
        cur.execute('SELECT id, slug FROM committees_field ORDER BY "order", id')
        fields = cur.fetchall()
        cur.execute(
            "SELECT id, slug FROM committees_organisation WHERE id IN "
            "(SELECT organisation_id FROM standards_standard) ORDER BY id"
        )
        organisations = cur.fetchall()
        cur.execute("SELECT id, slug FROM workplan_workitem ORDER BY id")
        work_items = cur.fetchall()
        cur.execute(
            "SELECT DISTINCT extract(year FROM published_on)::int "
            "FROM catalogue_searchdocument WHERE published_on IS NOT NULL"
        )
        years = sorted(row[0] for row in cur.fetchall())
        # The words readers look for: those of a sample of the texts.
        cur.execute(
            "SELECT concat_ws(' ', title, scope, title_zh, scope_zh, left(body, 20000))"
            " FROM catalogue_searchdocument ORDER BY standard_id LIMIT 300"
        )
        english, chinese = Counter(), Counter()
        for (text,) in cur.fetchall():
            english.update(
                w.lower() for w in WORD.findall(text) if w.lower() not in GLUE
            )
            for run in CJK.findall(text):
                chinese.update(run[i : i + 2] for i in range(len(run) - 1))
    return {
        "public": public,
        "with_editions": with_editions or public,
        "fields": fields,
        "organisations": organisations,
        "work_items": work_items,
        "years": years,
        "english": _vocabulary(english, fallback=["standard"]),
        "chinese": _vocabulary(chinese, fallback=["标准"]),
    }


def _vocabulary(counted: Counter, *, fallback: list[str]) -> list[str]:
    """The words seen a few times (not cut off by the sample's end), most
    frequent first; in a small corpus, every word; in one without any text
    of the language, ``fallback``."""
    often = [w for w, n in counted.most_common(400) if n >= 5]
    return often or [w for w, _n in counted.most_common(400)] or fallback


def _query(params: dict) -> str:
    return urllib.parse.urlencode({k: v for k, v in params.items() if v != ""})


def _populations(corpus: dict, rng: random.Random) -> dict[str, list[dict]]:
    """The distinct requests of each kind, most popular first."""
    field_slugs = [slug for _id, slug in corpus["fields"]]
    field_ids = [pk for pk, _slug in corpus["fields"]]
    years = corpus["years"]

    def catalogue_filters() -> dict:
        params = {}
        roll = rng.random()
        if roll < 0.5:
            params["field"] = rng.choice(field_slugs)
        if rng.random() < 0.4:
            params["status"] = rng.choice(
                ["published", "in_force", "under_renewal", "abolished"]
            )
        if years and rng.random() < 0.3:
            params["year"] = rng.choice(years)
        if corpus["organisations"] and rng.random() < 0.15:
            params["organisation"] = rng.choice(corpus["organisations"])[1]
        if corpus["work_items"] and rng.random() < 0.1:
            params["work_item"] = rng.choice(corpus["work_items"])[1]
        return params

    def search(words: list[str], joiner: str) -> str:
        terms = rng.choices(words[:120] if rng.random() < 0.7 else words, k=3)
        count = rng.choices([1, 2, 3], weights=[50, 35, 15])[0]
        params = {"q": joiner.join(dict.fromkeys(terms[:count]))}
        if rng.random() < 0.25:
            params.update(catalogue_filters())
        if rng.random() < 0.1:
            params["sort"] = rng.choice(["date", "number", "title"])
        if rng.random() < 0.08:
            params["page"] = rng.randint(2, 5)
        return "/standards/?" + _query(params)

    def distinct(make, n: int) -> list[str]:
        seen: dict[str, None] = {}
        for _ in range(n * 20):
            seen.setdefault(make(), None)
            if len(seen) >= n:
                break
        return list(seen)

    def catalogue() -> str:
        params = catalogue_filters()
        params["sort"] = rng.choice(["", "", "number", "title", "date"])
        if rng.random() < 0.3:
            params["page"] = rng.randint(2, 12)
        return "/standards/?" + _query(params)

    def api_list() -> str:
        params = {}
        if rng.random() < 0.5:
            params["field"] = rng.choice(field_ids)
        if rng.random() < 0.4:
            params["public_status"] = rng.choice(
                ["in_force", "under_renewal", "abolished"]
            )
        if corpus["organisations"] and rng.random() < 0.2:
            params["organisation"] = rng.choice(corpus["organisations"])[0]
        if rng.random() < 0.15:
            params["q"] = rng.choice(corpus["english"][:100])
        if rng.random() < 0.3:
            params["ordering"] = rng.choice(["number", "-updated", "title"])
        # Later pages of the wider lists (a narrow one may have only one).
        if len(params) <= 1 and "q" not in params and rng.random() < 0.35:
            params["page"] = rng.randint(2, 5)
        return "/api/v1/standards/?" + _query(params)

    public = list(corpus["public"])
    rng.shuffle(public)
    editions = list(corpus["with_editions"])
    rng.shuffle(editions)
    feeds = ["/feeds/standards.atom"]
    feeds += [f"/feeds/fields/{slug}.atom" for slug in field_slugs]
    feeds += [f"/feeds/standards/{pk}.atom" for pk in public]

    def pages(paths: list[str], n: int) -> list[str]:
        return paths[:n]

    def localized(paths: list[str]) -> list[str]:
        # A fifth of the readers read Chinese.
        return [f"/zh-hans{path}" if rng.random() < 0.2 else path for path in paths]

    return {
        "search": distinct(
            lambda: search(corpus["english"], " "), POPULATION["search"]
        ),
        "search (Chinese)": [
            f"/zh-hans{path}" if rng.random() < 0.7 else path
            for path in distinct(
                lambda: search(corpus["chinese"], rng.choice([" ", ""])),
                POPULATION["search (Chinese)"],
            )
        ],
        "catalogue": localized(distinct(catalogue, POPULATION["catalogue"])),
        "standard page": localized(
            pages([f"/standards/{pk}/" for pk in public], POPULATION["standard page"])
        ),
        "edition diff": pages(
            [f"/standards/{pk}/diff/" for pk in editions], POPULATION["edition diff"]
        ),
        "feed": pages(feeds, POPULATION["feed"]),
        "home": ["/", "/zh-hans/"],
        "API list": distinct(api_list, POPULATION["API list"]),
        "API detail": pages(
            [f"/api/v1/standards/{pk}/" for pk in public], POPULATION["API detail"]
        ),
        "bare view (ceiling)": ["/bench/ceiling.json"],
    }


def generate_log(conn, requests: int, *, seed: int = 19, zipf: float = 1.0) -> list:
    """``requests`` requests of the mix, in the order they are replayed."""
    rng = random.Random(seed)
    corpus = _corpus(conn)
    populations = _populations(corpus, rng)
    weights = {k: zipf_weights(len(v), zipf) for k, v in populations.items()}
    kinds = list(SHARES)
    log = []
    for kind in rng.choices(kinds, weights=[SHARES[k] for k in kinds], k=requests):
        if kind == "review (signed in)":
            log.append({"kind": kind, "path": "/review/", "as": rng.choice(ROLES[:4])})
            continue
        if kind == "my work (signed in)":
            log.append({"kind": kind, "path": "/dashboard/", "as": rng.choice(ROLES)})
            continue
        path = rng.choices(populations[kind], weights=weights[kind])[0]
        log.append({"kind": kind, "path": path, "as": ""})
    return log


def write_log(log: list, path: Path) -> None:
    path.write_text("".join(json.dumps(entry) + "\n" for entry in log))


def read_log(path: Path) -> list:
    return [json.loads(line) for line in path.read_text().splitlines() if line]


def replay(
    log: list, *, host: str, port: int, sessions: dict, clients: int = 4
) -> dict:
    """Replay ``log`` with ``clients`` concurrent keep-alive connections,
    each taking the next request as soon as its last one is answered.
    Every answer's time, status and ``X-Public-Cache`` by kind."""
    at = iter(range(len(log)))
    lock = threading.Lock()
    records: list[tuple[str, float, int, str]] = []

    def client():
        connection = http.client.HTTPConnection(host, port, timeout=60)
        while True:
            with lock:
                i = next(at, None)
            if i is None:
                break
            entry = log[i]
            headers = {"Accept-Encoding": "identity"}
            if entry["as"]:
                headers["Cookie"] = f"sessionid={sessions[entry['as']]}"
            if entry["path"].startswith("/api/"):
                headers["Accept"] = "application/json"
            started = time.perf_counter()
            try:
                connection.request("GET", entry["path"], headers=headers)
                response = connection.getresponse()
                response.read()
                status, cache = (
                    response.status,
                    response.getheader("X-Public-Cache", ""),
                )
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=60)
                status, cache = 0, ""
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                records.append((entry["kind"], elapsed, status, cache, entry["path"]))
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if os.environ.get("BENCH_MIX_RECORDS"):  # every request, for a closer look
        Path(os.environ["BENCH_MIX_RECORDS"]).write_text(json.dumps(records))
    return summarise(records, wall, clients)


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1)]


def _row(name: str, records: list, wall: float) -> dict:
    times = [r[1] for r in records]
    asked = [r for r in records if r[3]]
    hits = sum(1 for r in asked if r[3] == "hit")
    return {
        "name": name,
        "requests": len(records),
        "errors": sum(1 for r in records if r[2] not in (200, 304)),
        "p50_ms": round(_percentile(times, 50), 1),
        "p95_ms": round(_percentile(times, 95), 1),
        "p99_ms": round(_percentile(times, 99), 1),
        "max_ms": round(max(times, default=0), 1),
        "rps": round(len(records) / wall, 1) if wall else 0,
        "cache_hit_ratio": round(hits / len(asked), 2) if asked else None,
    }


def summarise(records: list, wall: float, clients: int) -> dict:
    by_kind = defaultdict(list)
    for record in records:
        by_kind[record[0]].append(record)
    ceiling = "bare view (ceiling)"
    mix = [r for r in records if r[0] != ceiling]
    rows = [_row("the whole mix", mix, wall)]
    for kind in SHARES:
        if kind in by_kind and kind != ceiling:
            rows.append(_row(kind, by_kind[kind], wall))
    first_time = {
        "search, first time": [
            r for r in mix if r[0].startswith("search") and r[3] == "miss"
        ],
        "catalogue, first time": [
            r for r in mix if r[0] == "catalogue" and r[3] == "miss"
        ],
        "API list, first time": [
            r for r in mix if r[0] == "API list" and r[3] == "miss"
        ],
    }
    for name, found in first_time.items():
        if found:
            rows.append(_row(name, found, wall))
    if by_kind.get(ceiling):
        rows.append(_row(ceiling, by_kind[ceiling], wall))
    for row in rows:
        if row["name"] == ceiling:
            continue
        target = (
            TARGET_API_LIST_FIRST_MS
            if row["name"] == "API list, first time"
            else TARGET_MS
        )
        row["target_p95_ms"] = target
        row["p95_met"] = row["p95_ms"] <= target
    slowest = sorted(records, key=lambda r: -r[1])[:10]
    errors = [r for r in records if r[2] not in (200, 304)][:10]
    return {
        "clients": clients,
        "requests": len(records),
        "wall_seconds": round(wall, 1),
        "rps": round(len(records) / wall, 1) if wall else 0,
        "rows": rows,
        "slowest": [
            {"kind": r[0], "ms": round(r[1], 1), "path": r[4]} for r in slowest
        ],
        "errors": [{"kind": r[0], "status": r[2], "path": r[4]} for r in errors],
    }


def table(result: dict, *, title: str) -> str:
    lines = [
        title,
        f"{'kind':<24} {'n':>5} {'hit':>5} {'p50':>7} {'p95':>7} {'p99':>7} "
        f"{'req/s':>7}  target (p95 ms)",
        "-" * 84,
    ]
    for row in result["rows"]:
        hit = (
            f"{row['cache_hit_ratio']:.0%}"
            if row["cache_hit_ratio"] is not None
            else "-"
        )
        target = ""
        if "target_p95_ms" in row:
            verdict = "met" if row["p95_met"] else "MISSED"
            target = f"<= {row['target_p95_ms']} {verdict}"
        if row["errors"]:
            target += f"  {row['errors']} errors"
        lines.append(
            f"{row['name']:<24} {row['requests']:>5} {hit:>5} {row['p50_ms']:>7.1f} "
            f"{row['p95_ms']:>7.1f} {row['p99_ms']:>7.1f} {row['rps']:>7.1f}  {target}"
        )
    lines.append(
        f"{result['requests']} requests by {result['clients']} clients in "
        f"{result['wall_seconds']} s: {result['rps']} req/s"
    )
    return "\n".join(lines)
