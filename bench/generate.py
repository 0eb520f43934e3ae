"""Generate the benchmark's data set on PostgreSQL, fast, with bulk_create.

10,000 standards across every field and state, about 40,000 versions and
100,000 history entries, bodies of 2–20 pages mixing English and Chinese,
then the search index built in bulk (its vectors by one SQL statement per
half, in two connections at once).

Run through bench/run.py, or by hand on an empty, migrated database with the
working group loaded:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        DJANGO_DEBUG=1 .venv/bin/python bench/generate.py
"""

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
from catalogue.services import VECTORS_SQL  # noqa: E402
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
    leader = users[Role.Kind.LEADER]
    pool = paragraph_pool(rng)
    states = [s for s, share, _ in STATES for _ in range(round(share * STANDARDS))]
    states = (states + [Status.PUBLISHED] * STANDARDS)[:STANDARDS]
    rng.shuffle(states)
    today = date.today()
    now = timezone.now()

    with transaction.atomic():
        with connection.cursor() as cursor:
            # lz4 compresses the long texts faster than pglz (if built in).
            cursor.execute(
                "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression'"
                " AND 'lz4' = ANY(enumvals)"
            )
            if cursor.fetchone():
                cursor.execute("SET LOCAL default_toast_compression = 'lz4'")
        standards = []
        numbers_by_year: dict[int, int] = {}
        plan = []  # (state, public, first publication, editions)
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
            status = Status.DRAFT if state == "renewal" else state
            created = timezone.make_aware(
                timezone.datetime.combine(first, timezone.datetime.min.time())
            ) - timedelta(days=rng.randint(30, 300))
            standards.append(
                Standard(
                    title=f"{en_topic.capitalize()} — {zh_topic}标准 {i}",
                    scope=english_sentence(rng) + " " + chinese_sentence(rng),
                    field=field,
                    work_item=rng.choice(work_items) if work_items else None,
                    organisation=rng.choice(organisations),
                    status=status,
                    number=number,
                    has_edition=public,
                    review_due=first + timedelta(days=3 * 365) if public else None,
                    created=created,
                    status_changed=now - timedelta(days=rng.randint(0, 400)),
                )
            )
            plan.append((state, public, first, rng.randint(1, 2) if public else 0))
        Standard.objects.bulk_create(standards, batch_size=2000)
        # The counters by the portal's own logic (standards.services.numbering):
        # each at the highest number in use for its prefix and year, so that
        # publishing on this data set gives the next free number.
        counters_repair()
        t_standards = time.monotonic()

        # Versions go in by chunks, and only the in-force edition's text is
        # kept (for its search document): 40,000 bodies do not fit in memory
        # comfortably, and big INSERTs are no faster.
        version_ids, bodies, chunk = {}, {}, []
        n_versions, text_bytes = 0, 0

        def flush():
            Version.objects.bulk_create(chunk, batch_size=250)
            for v in chunk:
                version_ids[(v.standard_id, v.number)] = v.pk
            chunk.clear()

        for standard, (state, public, _first, n_editions) in zip(
            standards, plan, strict=True
        ):
            count = rng.randint(max(1, n_editions), 7)
            for number in range(1, count + 1):
                in_force = public and number == n_editions
                markdown, plain, terms = make_body(
                    rng, pool, pages(rng), analysed=in_force
                )
                chunk.append(
                    Version(
                        standard=standard,
                        number=number,
                        body=markdown,
                        change_summary=f"Version {number}",
                        author=leader,
                        frozen=number < count or state != Status.DRAFT,
                    )
                )
                n_versions += 1
                text_bytes += len(markdown)
                if in_force:
                    bodies[standard.pk] = (plain, terms)
                if len(chunk) >= 1000:
                    flush()
        flush()
        t_versions = time.monotonic()

        editions, documents, history = [], [], []
        for standard, (state, public, first, n_editions) in zip(
            standards, plan, strict=True
        ):
            actions = list(PATH)
            if public:
                for e in range(1, n_editions + 1):
                    published = first + timedelta(days=400 * (e - 1))
                    published = min(published, today)
                    editions.append(
                        Edition(
                            standard=standard,
                            number=standard.number,
                            edition=e,
                            version_id=version_ids[(standard.pk, e)],
                            title=standard.title,
                            scope=standard.scope,
                            published_on=published,
                            published_by=leader,
                            superseded_on=(
                                min(first + timedelta(days=400 * e), today)
                                if e < n_editions
                                else None
                            ),
                            withdrawn_on=(
                                today
                                if e == n_editions and state == Status.ABOLISHED
                                else None
                            ),
                            pdf_state=Edition.PdfState.FAILED,
                            pdf_error="Not rendered in the benchmark.",
                        )
                    )
                    if e > 1:
                        actions += PATH[1:]
                in_force = n_editions
                plain, terms = bodies.pop(standard.pk)
                head = f"{standard.number} {standard.title}\n{standard.scope}"
                documents.append(
                    SearchDocument(
                        standard=standard,
                        number=standard.number,
                        title=standard.title,
                        scope=standard.scope,
                        body=plain,
                        edition=in_force,
                        published_on=editions[-1].published_on,
                        head_cjk=analysis.terms_field(analysis.cjk_terms(head)),
                        body_cjk=analysis.terms_field(terms),
                    )
                )
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
            # Comments and answers fill a review: about ten entries a standard.
            actions += ["comment_added", "comment_answered"] * rng.randint(0, 1)
            when = standard.created
            for action in actions:
                when += timedelta(hours=rng.randint(1, 240))
                history.append(
                    HistoryEntry(
                        standard=standard,
                        actor=leader,
                        created=when,
                        action=action,
                        comment="" if rng.random() < 0.7 else english_sentence(rng),
                    )
                )
        t_plan = time.monotonic()
        Edition.objects.bulk_create(editions, batch_size=2000)
        HistoryEntry.objects.bulk_create(history, batch_size=5000)
        t_history = time.monotonic()
        SearchDocument.objects.bulk_create(documents, batch_size=200)
        t_documents = time.monotonic()
    t_rows = time.monotonic()
    counts = {
        "standards": len(standards),
        "public_standards": len(documents),
        "versions": n_versions,
        "editions": len(editions),
        "history_entries": len(history),
        "version_text_mb": round(text_bytes / 1e6, 1),
    }
    build_vectors()
    t_index = time.monotonic()
    with connection.cursor() as cursor:
        # As autovacuum would have done by the time anyone reads a database
        # of this size (it may be off on a test server): statistics, and the
        # visibility map that lets counts read an index alone.
        cursor.execute("VACUUM ANALYZE")
    finished = time.monotonic()
    return {
        **counts,
        "seconds": {
            "standards": round(t_standards - started, 1),
            "versions": round(t_versions - t_standards, 1),
            "editions_history_rows": round(t_history - t_versions, 1),
            "of_which_python": round(t_plan - t_versions, 1),
            "search_documents": round(t_documents - t_history, 1),
            "commit": round(t_rows - t_documents, 1),
            "search_vectors_sql": round(t_index - t_rows, 1),
            "analyze": round(finished - t_index, 1),
            "total": round(finished - started, 1),
        },
        "deputy": DEPUTY,
    }


def build_vectors(parts: int = 2) -> None:
    """The vectors of every document, by SQL, split over ``parts``
    connections so that both cores work."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(standard_id), max(standard_id) FROM catalogue_searchdocument"
        )
        low, high = cursor.fetchone()
    if low is None:
        return
    step = (high - low) // parts + 1
    # Building a GIN index once is much faster than updating it row by row.
    with connection.cursor() as cursor:
        for name, _column in GIN_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")

    def run(i):
        with connections["default"].cursor() as cursor:
            cursor.execute(
                VECTORS_SQL + " WHERE standard_id >= %s AND standard_id < %s",
                [low + i * step, low + (i + 1) * step],
            )
        connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(parts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for name, column in GIN_INDEXES:
            cursor.execute(
                f"CREATE INDEX {name} ON catalogue_searchdocument USING gin ({column})"
            )


# The indexes of catalogue.models.SearchDocument.Meta.
GIN_INDEXES = [
    ("search_english_gin", "english_vector"),
    ("search_cjk_gin", "cjk_vector"),
]


if __name__ == "__main__":
    import json

    if connection.vendor != "postgresql":
        raise SystemExit("The benchmark runs on PostgreSQL: set DATABASE_URL.")
    if Standard.objects.exists():
        raise SystemExit("The database already has standards: use an empty one.")
    result = generate()
    print(json.dumps(result, indent=2))
