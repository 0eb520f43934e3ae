"""EXPLAIN (ANALYZE, BUFFERS) of the catalogue's queries, as a page runs
them (catalogue.selectors._page_ids, with its planner settings), on the
benchmark's data set: what bench/README.md shows at 10,000 and 100,000
standards.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_100000 \\
        DJANGO_DEBUG=1 .venv/bin/python bench/explain.py
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from catalogue import selectors  # noqa: E402
from catalogue.forms import CatalogueForm  # noqa: E402

PAGES = [
    ("search, English, two words", {"q": "evaluation robustness"}),
    ("search, Chinese", {"q": "评测"}),
    # A filter and a common word: from the one GIN index (catalogue
    # migration 0007), never the filter's candidates' long vectors.
    ("search, English, abolished only", {"q": "bias", "status": "abolished"}),
    (
        "catalogue, a field in force, newest first",
        {"status": "published", "sort": "date"},
    ),
    ("catalogue, by title, page 7", {"sort": "title", "page": "7"}),
]


def explain(params: dict) -> list[tuple[str, str]]:
    page = params.pop("page", "1")
    filters = CatalogueForm(params).filters()
    seen = []

    def capture(execute, sql, args, many, context):
        if sql.lstrip().startswith("SELECT"):
            execute("SHOW enable_seqscan", None, many, context)
            seqscan = context["cursor"].fetchone()[0]
            execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, args, many, context)
            plan = "\n".join(row[0] for row in context["cursor"].fetchall())
            seen.append((f"-- enable_seqscan={seqscan}\n{sql}", plan))
        return execute(sql, args, many, context)

    with connection.execute_wrapper(capture):
        selectors._page_ids(filters, page, 20)
    return seen


def main() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM standards_standard")
        standards = cursor.fetchone()[0]
    print(f"# {standards:,} standards\n")
    for name, params in PAGES:
        print(f"## {name}: {params}\n")
        for sql, plan in explain(dict(params)):
            if sql.startswith("-- enable_seqscan") and "EXPLAIN" in sql:
                continue
            print("```\n" + sql[:400] + (" …" if len(sql) > 400 else "") + "\n")
            print(plan + "\n```\n")


if __name__ == "__main__":
    main()
