"""How the request mix's cost grows with the data: the mix's p95 per kind at
10,000 standards (bench/results.json) beside the same at 100,000
(bench/results-100000.json), with the ratio against the issue's bound
(p95 at 100,000 no more than 1.5 times p95 at 10,000, for every kind).

    .venv/bin/python bench/growth.py [SMALL.json LARGE.json]

Writes bench/results-growth.json and prints the table.
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
BOUND = 1.5


def rows_of(path: Path) -> tuple[int, dict]:
    results = json.loads(path.read_text())
    mix = results.get("mix") or {}
    return results.get("standards", 0), {
        row["name"]: row for row in mix.get("rows", [])
    }


def main(argv: list[str]) -> int:
    small_path = Path(argv[0]) if argv else ROOT / "results.json"
    large_path = Path(argv[1]) if len(argv) > 1 else ROOT / "results-100000.json"
    missing = [str(p) for p in (small_path, large_path) if not p.exists()]
    if missing:
        print(f"growth: no results yet in {', '.join(missing)}: run `make bench`")
        return 1
    small_n, small = rows_of(small_path)
    large_n, large = rows_of(large_path)
    lines = [
        f"Growth of the request mix: p95 in ms at {small_n:,} and {large_n:,} "
        "standards",
        f"{'kind':<24} {'p95 small':>10} {'p95 large':>10} {'ratio':>7}  "
        f"bound (<= {BOUND}x)",
        "-" * 72,
    ]
    compared = []
    for name, row in small.items():
        other = large.get(name)
        if not other:
            continue
        ratio = other["p95_ms"] / row["p95_ms"] if row["p95_ms"] else 0
        ceiling = name.startswith("bare view")
        verdict = "" if ceiling else ("met" if ratio <= BOUND else "MISSED")
        compared.append(
            {
                "name": name,
                "p95_small_ms": row["p95_ms"],
                "p95_large_ms": other["p95_ms"],
                "ratio": round(ratio, 2),
                "bound_met": None if ceiling else ratio <= BOUND,
            }
        )
        lines.append(
            f"{name:<24} {row['p95_ms']:>10.1f} {other['p95_ms']:>10.1f} "
            f"{ratio:>6.2f}x  {verdict}"
        )
    (ROOT / "results-growth.json").write_text(
        json.dumps(
            {"standards": [small_n, large_n], "bound": BOUND, "rows": compared},
            indent=2,
        )
        + "\n"
    )
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
