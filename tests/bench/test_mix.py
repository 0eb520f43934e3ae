"""The request mix of `make bench` (bench/mix.py): its log is made from the
corpus with the shares and the Zipf law it names, and its report tells each
kind's percentiles, cache hits and first-time requests truly."""

import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import mix  # noqa: E402 — bench/mix.py


def test_zipf_weights_fall_as_one_over_the_rank():
    assert mix.zipf_weights(4, 1.0) == [1, 1 / 2, 1 / 3, 1 / 4]


def test_percentiles_are_nearest_rank():
    values = list(range(1, 101))
    assert mix._percentile(values, 50) == 50
    assert mix._percentile(values, 95) == 95
    assert mix._percentile(values, 99) == 99
    assert mix._percentile([7.0], 95) == 7.0


def test_the_summary_counts_hits_first_times_and_targets():
    records = [
        # (kind, ms, status, X-Public-Cache, path)
        ("search", 20.0, 200, "hit", "/standards/?q=a"),
        ("search", 150.0, 200, "miss", "/standards/?q=b"),
        ("search", 90.0, 200, "miss", "/standards/?q=c"),
        ("API list", 30.0, 200, "miss", "/api/v1/standards/?page=2"),
        ("API list", 10.0, 200, "hit", "/api/v1/standards/?page=2"),
        ("review (signed in)", 60.0, 200, "", "/review/"),
        ("standard page", 40.0, 404, "", "/standards/1/"),
        ("bare view (ceiling)", 2.0, 200, "", "/bench/ceiling.json"),
    ]
    result = mix.summarise(records, wall=2.0, clients=4)
    rows = {row["name"]: row for row in result["rows"]}
    assert rows["the whole mix"]["requests"] == 7  # the ceiling apart
    assert rows["the whole mix"]["errors"] == 1
    assert rows["search"]["cache_hit_ratio"] == round(1 / 3, 2)
    assert rows["search, first time"]["requests"] == 2
    assert rows["search, first time"]["p95_ms"] == 150.0
    assert rows["search, first time"]["p95_met"] is False
    assert rows["API list, first time"]["target_p95_ms"] == 50
    assert rows["API list, first time"]["p95_met"] is True
    assert rows["review (signed in)"]["cache_hit_ratio"] is None
    assert "target_p95_ms" not in rows["bare view (ceiling)"]
    assert result["rps"] == 4.0
    assert "MISSED" in mix.table(result, title="t")


@pytest.mark.postgres
@pytest.mark.usefixtures("no_pdf_renders")
def test_a_log_is_made_from_the_corpus(lifecycle, tmp_path):
    from django.db import connection

    for n in range(3):
        lifecycle.published(title=f"Evaluation of agents {n}")
    connection.ensure_connection()
    log = mix.generate_log(connection.connection, 2000, seed=1)
    again = mix.generate_log(connection.connection, 2000, seed=1)
    assert log == again  # replayable: the same seed, the same log
    kinds = Counter(entry["kind"] for entry in log)
    assert set(kinds) == set(mix.SHARES)
    for kind, share in mix.SHARES.items():
        assert abs(kinds[kind] / len(log) - share) < 0.03, kind
    signed_in = [e for e in log if e["as"]]
    assert {e["kind"] for e in signed_in} == {
        "review (signed in)",
        "my work (signed in)",
    }
    assert {e["as"] for e in signed_in} <= set(mix.ROLES)
    searches = Counter(e["path"] for e in log if e["kind"] == "search")
    top, *rest = searches.most_common()
    assert top[1] > rest[-1][1]  # a few asked often, most once
    path = tmp_path / "mix.jsonl"
    mix.write_log(log, path)
    assert mix.read_log(path) == log


@pytest.mark.postgres
@pytest.mark.usefixtures("no_pdf_renders")
def test_a_replay_reports_what_the_server_answered(lifecycle, live_server):
    standard = lifecycle.published(title="Evaluation of agents")
    log = [
        {"kind": "standard page", "path": f"/standards/{standard.pk}/", "as": ""},
        {"kind": "search", "path": "/standards/?q=agents", "as": ""},
        {"kind": "search", "path": "/standards/?q=agents", "as": ""},
        {"kind": "API list", "path": "/api/v1/standards/", "as": ""},
    ]
    host, port = live_server.url.removeprefix("http://").split(":")
    result = mix.replay(log, host=host, port=int(port), sessions={}, clients=1)
    rows = {row["name"]: row for row in result["rows"]}
    assert result["requests"] == 4
    assert rows["the whole mix"]["errors"] == 0
    assert rows["search"]["cache_hit_ratio"] == 0.5  # the second was a hit
    assert rows["search, first time"]["requests"] == 1
