"""Generate the benchmark's data set on PostgreSQL, fast, with COPY.

``BENCH_STANDARDS`` standards (10,000 unless told) across every field and
state, about four versions and eleven history entries each, bodies of 2–20
pages mixing English and Chinese, then the search index built in bulk (its
vectors by one SQL statement per half, in two connections at once). The same
seed gives the same data set. On two cores 10,000 standards take about
25 seconds, 100,000 about four minutes (4.7 GB).

Run through bench/run.py, or by hand on an empty, migrated database with the
working group loaded:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        DJANGO_DEBUG=1 .venv/bin/python bench/generate.py
"""

import itertools
import os
import random
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from catalogue import analysis  # noqa: E402
from catalogue.models import SearchDocument  # noqa: E402
from catalogue.services import FILTER_COLUMNS_SQL, VECTORS_SQL  # noqa: E402
from committees.models import Field, Organisation, Person, Role  # noqa: E402
from standards.models import (  # noqa: E402
    Edition,
    HistoryEntry,
    Standard,
    Status,
    Version,
)
from standards.services.numbering import counters_repair  # noqa: E402
from workplan.models import WorkItem  # noqa: E402

STANDARDS = int(os.environ.get("BENCH_STANDARDS", "10000"))
PAGE_CHARS = 1500  # a page of mixed English and Chinese text
DEPUTY = os.environ.get("BENCH_DEPUTY", "bench-deputy")
PASSWORD = os.environ.get("BENCH_PASSWORD", "bench-pass-2024")
PREFIX = settings.STANDARD_NUMBER_PREFIX

EN_WORDS = """
model models evaluation evaluating evaluate benchmark benchmarks
safety robustness fairness bias transparency accountability privacy
data dataset training inference deployment monitoring audit auditing
assessment risk risks medical clinical legal financial education agent
agents reasoning language multilingual translation summarisation
retrieval hallucination alignment annotation metric metrics accuracy
calibration latency throughput provenance licensing consent governance
documentation reporting disclosure incident red-teaming adversarial
prompt prompts output outputs human oversight review
""".split()  # noqa: SIM905
EN_GLUE = """
the of and to in for with on by is are shall should must may
""".split()  # noqa: SIM905
ZH_WORDS = """
评测 模型 大模型 数据 安全 医疗 标准 方法 指标 准确性 鲁棒性 公平性
透明度 隐私 训练 推理 部署 监测 审计 风险 法律 金融 教育 智能体
推理能力 语言 多语言 翻译 摘要 检索 幻觉 对齐 标注 校准 延迟 来源
许可 治理 文档 报告 披露 事件 对抗 提示 输出 人工 监督 审查 测试集
基准 评估 应用 场景 要求 规范
""".split()  # noqa: SIM905
ZH_GLUE = """
的 和 与 应 在 对 及 中 是 可
""".split()  # noqa: SIM905
SECTIONS = [
    ("Scope", "范围"),
    ("Normative references", "规范性引用文件"),
    ("Terms and definitions", "术语和定义"),
    ("Requirements", "要求"),
    ("Evaluation method", "评测方法"),
    ("Reporting", "报告"),
    ("Conformity", "符合性"),
]
HEADINGS = [f"{n} {en} {zh}" for n, (en, zh) in enumerate(SECTIONS, start=1)]
HEADING_TERMS = analysis.cjk_terms(" ".join(zh for _, zh in SECTIONS))


def english_sentence(rng) -> str:
    words = [
        rng.choice(EN_WORDS) if rng.random() < 0.6 else rng.choice(EN_GLUE)
        for _ in range(rng.randint(8, 18))
    ]
    return " ".join(words).capitalize() + "."


def chinese_sentence(rng) -> str:
    return (
        "".join(
            rng.choice(ZH_WORDS) if rng.random() < 0.7 else rng.choice(ZH_GLUE)
            for _ in range(rng.randint(6, 14))
        )
        + "。"
    )


def paragraph_pool(rng, size=3000):
    """Paragraphs with their CJK terms, analysed once: a body is made of
    them, and its terms are the union of theirs."""
    pool = []
    for _ in range(size):
        if rng.random() < 0.6:
            text = " ".join(english_sentence(rng) for _ in range(rng.randint(3, 6)))
        else:
            text = "".join(chinese_sentence(rng) for _ in range(rng.randint(3, 7)))
            if rng.random() < 0.5:
                text += " " + english_sentence(rng)
        pool.append((text, set(analysis.cjk_terms(text))))
    return pool


def pages(rng) -> int:
    """2 to 20 pages, most standards nearer the short end."""
    return 2 + int(18 * rng.random() ** 3)


def make_body(rng, pool, n_pages: int, *, analysed: bool = False):
    """(markdown, plain text, CJK terms) of a body of about ``n_pages`` pages;
    the plain text and terms only when ``analysed`` (a search document needs
    them; 40,000 versions do not)."""
    budget = n_pages * PAGE_CHARS
    picked, size = [], 0
    while size < budget:
        for paragraph in rng.choices(pool, k=8):
            picked.append(paragraph)
            size += len(paragraph[0])
            if size >= budget:
                break
    per_section = max(1, len(picked) // len(SECTIONS))
    markdown, plain = [], []
    for i, (text, _terms) in enumerate(picked):
        section, at_start = divmod(i, per_section)
        if not at_start and section < len(SECTIONS):
            markdown.append(f"## {HEADINGS[section]}")
            plain.append(HEADINGS[section])
        markdown.append(text)
        if analysed:
            plain.append(text)
    if not analysed:
        return "\n\n".join(markdown), "", set()
    terms = set(HEADING_TERMS).union(*(t for _, t in picked))
    return "\n\n".join(markdown), "\n\n".join(plain), terms


# State of each standard: (state, share, has an edition).
STATES = [
    (Status.PUBLISHED, 0.45, True),
    (Status.ABOLISHED, 0.08, True),
    ("renewal", 0.07, True),  # a draft again, with its edition in force
    (Status.DRAFT, 0.15, False),
    (Status.EXPERT_REVIEW, 0.12, False),
    (Status.AUDIT, 0.07, False),
    (Status.CERTIFIED, 0.06, False),
]
PATH = ["created", "version_uploaded", "submit", "experts_assigned"]
PATH += ["recommendation_given", "recommendation_given", "advance_to_audit"]
PATH += ["certify", "publish"]


def bench_users():
    """The deputy leader who logs in for /review/, and the leader."""
    User = get_user_model()
    field = Field.objects.filter(parent__isnull=True).order_by("order", "pk").first()
    organisation = Organisation.objects.filter(is_member=True).first()
    users = {}
    for username, kind, role_field in (
        (DEPUTY, Role.Kind.DEPUTY_LEADER, field),
        ("bench-leader", Role.Kind.LEADER, None),
    ):
        user, _ = User.objects.get_or_create(username=username)
        user.set_password(PASSWORD)
        user.save()
        person, _ = Person.objects.get_or_create(
            name=f"Bench {username}",
            organisation=organisation,
            defaults={"user": user},
        )
        Role.objects.get_or_create(person=person, kind=kind, field=role_field)
        users[kind] = user
    return users, field


# The tables loaded here. Their foreign keys and the indexes that back no
# constraint are dropped for the load and made again after it: building an
# index once is much faster than updating it row by row, and checking a
# foreign key by one join much faster than row by row (100,000 standards
# bring over a million history entries).
LOADED = [Standard, Version, Edition, HistoryEntry, SearchDocument]
CHUNK = 1000  # standards whose versions (and documents) one COPY writes


def copy_rows(cursor, model, columns: list[str], rows) -> int:
    """COPY ``rows`` (tuples in the order of ``columns``, attribute names)
    into ``model``'s table. Every other column gets what bulk_create would
    give it (the field's default; now for auto_now), an omitted automatic
    key the database's next value. The number of rows written."""
    now = timezone.now()
    names = [model._meta.get_field(c).column for c in columns]
    tail = []
    for field in model._meta.concrete_fields:
        if field.attname in columns or (field.primary_key and field.auto_created):
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        else:
            value = field.get_default()  # "" for a text without a default
        if value is None and not field.null:
            raise ValueError(f"{model.__name__}.{field.name} needs a value")
        value = field.get_db_prep_save(value, connection)
        names.append(field.column)
        tail.append(str(value) if isinstance(value, str) else value)
    tail = tuple(tail)
    quoted = ", ".join(connection.ops.quote_name(n) for n in names)
    count = 0
    with cursor.copy(f"COPY {model._meta.db_table} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row + tail)
            count += 1
    return count


def reserve_ids(cursor, model, count: int) -> int:
    """The first of ``count`` consecutive keys taken from the table's
    sequence, for rows that others point at and so are written with theirs."""
    table, column = model._meta.db_table, model._meta.pk.column
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence(%s, %s),"
        " nextval(pg_get_serial_sequence(%s, %s)) + %s - 1)",
        [table, column, table, column, count],
    )
    return cursor.fetchone()[0] - count + 1


def drop_keys_and_indexes(cursor) -> dict[str, list[str]]:
    """Drop the loaded tables' foreign keys and their indexes that back no
    constraint; by table, the statements that make them again as the
    migrations made them (their definitions as the database gives them)."""
    tables = [model._meta.db_table for model in LOADED]
    cursor.execute(
        "SELECT tablename, 'INDEX', indexname, indexdef FROM pg_indexes"
        " WHERE schemaname = current_schema() AND tablename = ANY(%s)"
        " AND NOT EXISTS (SELECT FROM pg_constraint WHERE conindid ="
        " format('%%I.%%I', schemaname, indexname)::regclass)"
        " UNION ALL"
        " SELECT conrelid::regclass::text, 'CONSTRAINT', conname,"
        " format('ALTER TABLE %%s ADD CONSTRAINT %%I %%s', conrelid::regclass,"
        " conname, pg_get_constraintdef(oid))"
        " FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text"
        " = ANY(%s) ORDER BY 1, 2, 3",
        [tables, tables],
    )
    again: dict[str, list[str]] = {table: [] for table in tables}
    for table, kind, name, definition in cursor.fetchall():
        name = connection.ops.quote_name(name)
        if kind == "INDEX":
            cursor.execute(f"DROP INDEX {name}")
        else:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        again[table].append(definition)
    return again


def generate(seed: int = 2026) -> dict:
    rng = random.Random(seed)
    started = time.monotonic()
    fields = list(Field.objects.all())
    organisations = list(Organisation.objects.filter(is_member=True)) or list(
        Organisation.objects.all()
    )
    work_items = list(WorkItem.objects.all())
    if not fields or not organisations:
        raise SystemExit("Load the working group first (load_working_group).")
    users, deputy_field = bench_users()
    leader = users[Role.Kind.LEADER].pk
    pool = paragraph_pool(rng)
    states = [s for s, share, _ in STATES for _ in range(round(share * STANDARDS))]
    states = (states + [Status.PUBLISHED] * STANDARDS)[:STANDARDS]
    rng.shuffle(states)
    today = date.today()
    now = timezone.now()
    seconds: dict[str, float] = {}
    lap = [started]

    def phase(name: str) -> None:
        seconds[name] = round(time.monotonic() - lap[0], 1)
        lap[0] = time.monotonic()

    # The random numbers are drawn in the order the bulk_create generator
    # before this one drew them: a seed gives the same data set as it did.
    with transaction.atomic(), connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg's own, for COPY
        # lz4 compresses the long texts faster than pglz (if built in).
        cursor.execute(
            "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression'"
            " AND 'lz4' = ANY(enumvals)"
        )
        if cursor.fetchone():
            cursor.execute("SET LOCAL default_toast_compression = 'lz4'")
        again = drop_keys_and_indexes(cursor)

        # Standards. What the later passes need of each is kept in ``plan``:
        # (key, state, public, first publication, editions, created, number,
        # title, scope).
        first_id = reserve_ids(cursor, Standard, STANDARDS)
        plan, rows = [], []
        numbers_by_year: dict[int, int] = {}
        for i, state in enumerate(states):
            public = state in (Status.PUBLISHED, Status.ABOLISHED, "renewal")
            field = fields[i % len(fields)] if i % 7 else deputy_field
            first = today - timedelta(days=rng.randint(30, 6 * 365))
            number = None
            if public:
                n = numbers_by_year.get(first.year, 0) + 1
                numbers_by_year[first.year] = n
                number = f"{PREFIX} {n:04d}:{first.year}"
            en_topic = " ".join(rng.sample(EN_WORDS, 3))
            zh_topic = "".join(rng.sample(ZH_WORDS, 2))
            created = timezone.make_aware(
                timezone.datetime.combine(first, timezone.datetime.min.time())
            ) - timedelta(days=rng.randint(30, 300))
            title = f"{en_topic.capitalize()} — {zh_topic}标准 {i}"
            scope = english_sentence(rng) + " " + chinese_sentence(rng)
            work_item = rng.choice(work_items).pk if work_items else None
            organisation = rng.choice(organisations).pk
            status_changed = now - timedelta(days=rng.randint(0, 400))
            n_editions = rng.randint(1, 2) if public else 0
            status = Status.DRAFT if state == "renewal" else state
            review_due = first + timedelta(days=3 * 365) if public else None
            rows.append(
                (first_id + i, title, scope, field.pk, work_item, organisation)
                + (str(status), number, public, review_due, created, status_changed)
            )
            plan.append(
                (first_id + i, state, public, first, n_editions, created)
                + (number, title, scope)
            )
        copy_rows(
            cursor,
            Standard,
            ["id", "title", "scope", "field_id", "work_item_id", "organisation_id"]
            + ["status", "number", "has_edition", "review_due", "created"]
            + ["status_changed"],
            rows,
        )
        del rows
        # The counters by the portal's own logic (standards.services.numbering):
        # each at the highest number in use for its prefix and year, so that
        # publishing on this data set gives the next free number.
        counters_repair()
        phase("standards")

        first_version, loaded = load_versions(cursor, rng, pool, plan, leader, today)
        phase("versions_and_search_documents")

        n_editions = copy_rows(
            cursor,
            Edition,
            ["standard_id", "number", "edition", "version_id", "title", "scope"]
            + ["published_on", "published_by_id", "superseded_on", "withdrawn_on"]
            + ["pdf_state", "pdf_error"],
            edition_rows(plan, first_version, leader, today),
        )
        phase("editions")
        n_history = copy_rows(
            cursor,
            HistoryEntry,
            ["standard_id", "actor_id", "created", "action", "comment"],
            history_rows(rng, plan, leader),
        )
        phase("history")
        # The documents' copy of the catalogue's filters, by the portal's own
        # statement (catalogue.services).
        cursor.execute(FILTER_COLUMNS_SQL)
        phase("document_filters")

        # The search documents' indexes wait for their vectors.
        document_indexes = [
            statement
            for statement in again[SearchDocument._meta.db_table]
            if statement.startswith("CREATE")
        ]
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for statement in itertools.chain(*again.values()):
            if statement not in document_indexes:
                cursor.execute(statement)
        phase("indexes_and_foreign_keys")
    phase("commit")
    counts = {
        "standards": STANDARDS,
        "public_standards": loaded["public_standards"],
        "versions": loaded["versions"],
        "editions": n_editions,
        "history_entries": n_history,
        "version_text_mb": loaded["version_text_mb"],
    }
    build_vectors(document_indexes)
    phase("search_vectors_and_indexes")
    with connection.cursor() as cursor:
        # As autovacuum would have done by the time anyone reads a database
        # of this size (it may be off on a test server): statistics, and the
        # visibility map that lets counts read an index alone.
        cursor.execute("VACUUM ANALYZE")
    phase("analyze")
    seconds["total"] = round(time.monotonic() - started, 1)
    return {**counts, "seconds": seconds, "deputy": DEPUTY}


def load_versions(cursor, rng, pool, plan, leader, today) -> tuple[list, dict]:
    """The versions, by chunks of standards, one COPY each, then the search
    documents of the chunk's public standards (the in-force edition's text,
    analysed): 400,000 bodies do not fit in memory. A standard's versions
    have consecutive keys; the first's of each standard (an edition points
    at one of them), and the counts."""
    first_version, n_versions, text_bytes, n_documents = [], 0, 0, 0
    for start in range(0, len(plan), CHUNK):
        versions, documents = [], []
        for standard in plan[start : start + CHUNK]:
            pk, state, public, first, n_editions = standard[:5]
            count = rng.randint(max(1, n_editions), 7)
            first_version.append(len(versions))  # made a key below
            for v in range(1, count + 1):
                in_force = public and v == n_editions
                markdown, plain, terms = make_body(
                    rng, pool, pages(rng), analysed=in_force
                )
                frozen = v < count or state != Status.DRAFT
                versions.append((pk, v, markdown, f"Version {v}", leader, frozen))
                text_bytes += len(markdown)
                if in_force:
                    number, title, scope = standard[6:]
                    head = f"{number} {title}\n{scope}"
                    published = first + timedelta(days=400 * (n_editions - 1))
                    documents.append(
                        (pk, number, title, scope, plain, n_editions)
                        + (min(published, today),)
                        + (analysis.terms_field(analysis.cjk_terms(head)),)
                        + (analysis.terms_field(terms),)
                    )
        key = reserve_ids(cursor, Version, len(versions))
        first_version[start:] = [key + k for k in first_version[start:]]
        n_versions += copy_rows(
            cursor,
            Version,
            ["standard_id", "number", "body", "change_summary", "author_id"]
            + ["frozen", "id"],
            (row + (key + k,) for k, row in enumerate(versions)),
        )
        n_documents += copy_rows(
            cursor,
            SearchDocument,
            ["standard_id", "number", "title", "scope", "body", "edition"]
            + ["published_on", "head_cjk", "body_cjk"],
            documents,
        )
    counts = {
        "public_standards": n_documents,
        "versions": n_versions,
        "version_text_mb": round(text_bytes / 1e6, 1),
    }
    return first_version, counts


def edition_rows(plan, first_version, leader, today):
    """The editions of the public standards: one or two, each a year and
    a month after the one before, the last in force (or withdrawn)."""
    for (pk, state, _public, first, n_editions, _c, number, title, scope), key in zip(
        plan, first_version, strict=True
    ):
        for e in range(1, n_editions + 1):
            yield (
                pk,
                number,
                e,
                key + e - 1,  # its version: the e-th
                title,
                scope,
                min(first + timedelta(days=400 * (e - 1)), today),
                leader,
                min(first + timedelta(days=400 * e), today) if e < n_editions else None,
                today if e == n_editions and state == Status.ABOLISHED else None,
                str(Edition.PdfState.FAILED),
                "Not rendered in the benchmark.",
            )


def history_rows(rng, plan, leader):
    """Each standard's path through the states to where it is, a full one
    for every later edition, and a review's comments and answers: about ten
    entries a standard."""
    for pk, state, public, _first, n_editions, created, *_rest in plan:
        actions = list(PATH)
        if public:
            actions += PATH[1:] * (n_editions - 1)
            if state == Status.ABOLISHED:
                actions.append("abolish")
            elif state == "renewal":
                actions += ["start_renewal", "version_uploaded"]
            else:
                actions += ["reaffirm"] * rng.randint(0, 2)
        else:
            stop = {
                Status.DRAFT: 2,
                Status.EXPERT_REVIEW: 6,
                Status.AUDIT: 7,
                Status.CERTIFIED: 8,
            }[state]
            actions = actions[:stop]
        actions += ["comment_added", "comment_answered"] * rng.randint(0, 1)
        when = created
        for action in actions:
            when += timedelta(hours=rng.randint(1, 240))
            comment = "" if rng.random() < 0.7 else english_sentence(rng)
            yield (pk, leader, when, action, comment)


def build_vectors(indexes: list[str], parts: int = 2) -> None:
    """The vectors of every document, by SQL, then the documents' indexes
    (``indexes``, dropped for the load: a GIN index is built once much
    faster than updated row by row); both split over ``parts`` connections
    so that every core works."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(standard_id), max(standard_id) FROM catalogue_searchdocument"
        )
        low, high = cursor.fetchone()
    if low is None:
        low = high = 0
    step = (high - low) // parts + 1
    vectors_done = threading.Barrier(parts)
    failures = []

    def run(i):
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute(
                    VECTORS_SQL + " WHERE standard_id >= %s AND standard_id < %s",
                    [low + i * step, low + (i + 1) * step],
                )
                vectors_done.wait()
                cursor.execute("SET maintenance_work_mem = '256MB'")
                for statement in indexes[i::parts]:
                    cursor.execute(statement)
        except Exception as exc:
            failures.append(exc)
            vectors_done.abort()  # the other connection stops waiting
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(parts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]


if __name__ == "__main__":
    import json

    if connection.vendor != "postgresql":
        raise SystemExit("The benchmark runs on PostgreSQL: set DATABASE_URL.")
    if Standard.objects.exists():
        raise SystemExit("The database already has standards: use an empty one.")
    result = generate()
    print(json.dumps(result, indent=2))
