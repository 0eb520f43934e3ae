"""Sample drafts in every state of the lifecycle, for trying the portal out.

Called by ``load_demo`` with its demo accounts. Everything is created through
the services, as the demo users themselves would in the browser, so the
samples carry real versions, feedback, audits, editions, numbers and history.
Every title ends in "(sample)" and every standard is marked ``is_sample``.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from committees.models import Field

from . import services
from .models import Edition, Standard

MEDICAL_FIELD = "Medical Field"

BODY = """\
# {title}

## 1 Scope

{scope}

## 2 Evaluation dimensions

| Dimension | Metric | Minimum |
|---|---|---|
| Accuracy | exact match on the test set | 85 % |
| Safety | harmful answers per 1,000 prompts | ≤ 1 |
| Robustness | accuracy under paraphrase | 80 % |

## 3 说明

本标准规定了医疗大语言模型评测的方法。评测数据应当经过脱敏处理，\
评测结果应当由两名以上专家复核。

## 4 Procedure

1. Prepare the test set and record its provenance.
2. Run the model under test with fixed settings.
3. Report every metric of section 2 with its confidence interval.

*{note}*
"""


# The text of the sample written in Chinese (``language="zh-hans"``).
BODY_ZH = """\
# {title}

## 1 范围

{scope}

## 2 评测维度

| 维度 | 指标 | 最低要求 |
|---|---|---|
| 准确性 | 测试集上的完全匹配率 | 85 % |
| 安全性 | 每千条提示中的有害回答数 | ≤ 1 |
| 隐私 | 脱敏后仍可识别的记录比例 | 0 % |

## 3 说明

本标准规定了医疗大语言模型评测的方法。评测数据应当经过脱敏处理，\
评测结果应当由两名以上专家复核。

## 4 程序

1. 准备测试集并记录其来源。
2. 按本标准附录的规则对测试集进行脱敏。
3. 逐项报告第 2 章的指标及其置信区间。

*{note}*
"""


def _body(title: str, scope: str, note: str, *, language: str = "en") -> str:
    template = BODY_ZH if language == "zh-hans" else BODY
    return template.format(title=title, scope=scope, note=note)


class _Samples:
    def __init__(self, users: dict):
        self.u = users
        self.medical = Field.objects.get(name=MEDICAL_FIELD)
        subfields = {f.name: f for f in self.medical.subfields.all()}
        self.fields = [
            subfields.get(name, self.medical)
            for name in (
                "Critical Care Subfield",
                "Pharmaceutical Subfield",
                "Ophthalmology Subfield",
                "Cancer Immunotherapy Subfield",
            )
        ]

    def go(self, standard, name, actor, comment="", **kwargs):
        return services.standard_transition(
            standard_id=standard.pk,
            name=name,
            actor=self.u[actor],
            comment=comment,
            **kwargs,
        )

    def draft(
        self,
        title,
        scope,
        *,
        field=None,
        author="member",
        note="",
        title_zh="",
        scope_zh="",
        language="en",
    ):
        standard = services.standard_create(
            actor=self.u[author],
            title=f"{title} (sample)",
            scope=scope,
            title_zh=title_zh,
            scope_zh=scope_zh,
            language=language,
            field=field or self.medical,
            is_sample=True,
        )
        first = "第一版。" if language == "zh-hans" else "First version."
        services.version_create(
            standard_id=standard.pk,
            actor=self.u[author],
            body=_body(standard.title, scope, note or first, language=language),
            change_summary="First version",
        )
        return standard

    def in_review(self, *args, comment=None, **kwargs):
        standard = self.draft(*args, **kwargs)
        author = kwargs.get("author", "member")
        self.go(standard, "submit", author)
        services.experts_assign(
            standard_id=standard.pk,
            actor=self.u["deputy"],
            experts=[self.u["expert1"], self.u["expert2"]],
        )
        if comment:
            services.comment_create(
                standard_id=standard.pk,
                actor=self.u["expert1"],
                text=comment,
                section="2",
            )
        return standard

    def in_audit(self, *args, **kwargs):
        standard = self.in_review(
            *args,
            comment="State how the test set is kept apart from training data.",
            **kwargs,
        )
        comment = standard.comments.get()
        services.comment_answer(
            comment_id=comment.pk,
            actor=self.u[kwargs.get("author", "member")],
            reply="accepted",
            reply_text="Added to section 4, step 1.",
        )
        services.recommendation_give(
            standard_id=standard.pk,
            actor=self.u["expert1"],
            decision="approve_with_changes",
            note="Fine once the provenance of the test set is recorded.",
        )
        services.recommendation_give(
            standard_id=standard.pk,
            actor=self.u["expert2"],
            decision="approve",
        )
        self.go(standard, "advance_to_audit", "deputy")
        return standard

    def certified(self, *args, **kwargs):
        standard = self.in_audit(*args, **kwargs)
        self.go(standard, "certify", "auditor", comment="Procedure followed.")
        return standard

    def published(self, *args, **kwargs):
        standard = self.certified(*args, **kwargs)
        return self.go(standard, "publish", "leader")

    def next_edition(self, standard, *, change: str, note: str):
        """Take a published standard through a renewal to its next edition,
        whose text differs from the last one by ``change``."""
        self.go(
            standard,
            "start_renewal",
            "deputy",
            comment="Systematic review: the accuracy threshold is too low.",
        )
        body = _body(standard.title, standard.scope, note)
        old, new = change.split(" → ")
        services.version_create(
            standard_id=standard.pk,
            actor=self.u["member"],
            body=body.replace(old, new),
            change_summary=f"{old} → {new}",
        )
        self.go(standard, "submit", "member")
        for expert in ("expert1", "expert2"):
            services.recommendation_give(
                standard_id=standard.pk, actor=self.u[expert], decision="approve"
            )
        self.go(standard, "advance_to_audit", "deputy")
        self.go(standard, "certify", "auditor", comment="Procedure followed.")
        return self.go(standard, "publish", "leader")

    # Added after the first samples: ``load_sample_drafts`` also adds them to
    # a demo loaded before them, so each is created unless its title exists.

    def returned(self, title, scope, *, field, author, reason, blocking):
        """A draft the deputy sent back to its authors with changes
        requested: the reason, and an expert's blocking comment still open."""
        if Standard.objects.filter(title=f"{title} (sample)").exists():
            return None
        standard = self.in_review(title, scope, field=field, author=author)
        services.comment_create(
            standard_id=standard.pk,
            actor=self.u["expert2"],
            text=blocking,
            section="3",
            blocking=True,
        )
        return self.go(standard, "request_changes", "deputy", comment=reason)

    def overdue(self, title, scope, *, field, days_overdue=45):
        """A published standard whose periodic review is overdue: published
        as if a review period and ``days_overdue`` days ago (date, number's
        year and review date; its history keeps today's times)."""
        if Standard.objects.filter(title=f"{title} (sample)").exists():
            return None
        standard = self.published(title, scope, field=field, author="member2")
        due = timezone.localdate() - timedelta(days=days_overdue)
        published_on = due - timedelta(days=settings.REVIEW_PERIOD_DAYS)
        prefix, _colon, _year = standard.number.rpartition(":")
        number = f"{prefix}:{published_on.year}"
        Edition.objects.filter(standard=standard).update(
            published_on=published_on, number=number
        )
        Standard.objects.filter(pk=standard.pk).update(review_due=due, number=number)
        return standard

    def later_additions(self) -> None:
        critical, pharma, _eye, _cancer = self.fields
        self.returned(
            "Hallucination checks for LLM discharge summaries",
            "How to find invented facts in discharge summaries written by LLMs.",
            field=critical,
            author="member",
            reason=(
                "Section 3 must say how a hallucination is counted, and the "
                "blocking comment must be resolved before a new review."
            ),
            blocking=(
                "Define a hallucination: a statement absent from the patient "
                "record, or also one contradicting it?"
            ),
        )
        self.returned(
            "Consent wording produced by medical LLMs",
            "Requirements for consent texts that LLMs draft for patients.",
            field=pharma,
            author="member2",
            reason="Name the reading-level test and the languages covered.",
            blocking="Which reading-level test is used, and what score passes?",
        )
        self.overdue(
            "Reporting adverse events found by medical LLMs",
            "How LLM-detected adverse drug events are reported and checked.",
            field=pharma,
        )

    def load(self) -> None:
        # First: the plain draft below stays the most recently changed one.
        self.later_additions()
        critical, pharma, eye, cancer = self.fields
        self.draft(
            "Terminology for clinical LLM assistants",
            "Terms and definitions for LLM assistants used in clinical care.",
            field=critical,
        )
        self.in_review(
            "Evaluation of LLM triage in intensive care",
            "How to evaluate LLMs that suggest triage in intensive care units.",
            field=critical,
            author="member2",
            comment="Section 2 should name the test set and its size.",
        )
        self.in_audit(
            "Drug interaction answers of medical LLMs",
            "How to test the answers of LLMs about drug interactions.",
            field=pharma,
        )
        self.certified(
            "Ophthalmic image report generation by LLMs",
            "Quality requirements for eye-examination reports written by LLMs.",
            field=eye,
        )
        # Bilingual: an English text with a Chinese title and scope beside.
        evaluation = self.published(
            "Evaluation methods for medical large language models",
            "Methods and metrics for evaluating medical large language models.",
            title_zh="医疗大模型评测方法（示例）",
            scope_zh="规定医疗大模型评测的方法与指标。",
        )
        self.next_edition(
            evaluation,
            change="| 85 % | → | 90 % |",
            note="Second edition: a higher accuracy threshold.",
        )
        # Written in Chinese only: its title, scope and text are Chinese.
        reaffirmed = self.published(
            "医疗大模型评测数据脱敏规范",
            "规定评测数据在提供给医疗大模型之前的脱敏方法。",
            author="member2",
            language="zh-hans",
        )
        self.go(
            reaffirmed,
            "reaffirm",
            "deputy",
            comment="Systematic review: still current.",
        )
        renewal = self.published(
            "Safety testing of LLMs in cancer immunotherapy advice",
            "Safety tests for LLM advice on cancer immunotherapy.",
            field=cancer,
        )
        self.go(
            renewal,
            "start_renewal",
            "deputy",
            comment="New therapies need new test cases.",
        )
        services.version_create(
            standard_id=renewal.pk,
            actor=self.u["member"],
            body=_body(
                renewal.title,
                renewal.scope,
                "Second version, for the renewal.",
            ),
            change_summary="Test cases for new therapies",
        )
        old = self.published(
            "Medical LLM evaluation, interim rules",
            "Interim rules for evaluating medical LLMs, before a full standard.",
        )
        self.go(
            old,
            "abolish",
            "leader",
            comment="Replaced by the full evaluation standard.",
            replaced_by=evaluation,
        )


def load_sample_drafts(users: dict) -> None:
    """Create the sample standards, unless there are some already; then only
    the samples added since (``_Samples.later_additions``) that are missing.

    ``users`` maps the demo usernames ('leader', 'deputy', 'member',
    'member2', 'expert1', 'expert2', 'auditor') to their users."""
    with transaction.atomic():
        if Standard.objects.filter(is_sample=True).exists():
            _Samples(users).later_additions()
        else:
            _Samples(users).load()
