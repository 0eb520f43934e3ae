"""Sample drafts in every state of the lifecycle, for trying the portal out.

Called by ``load_demo`` with its demo accounts. Everything is created through
the services, as the demo users themselves would in the browser, so the
samples carry real versions, feedback, audits, editions, numbers and history.
Every title ends in "(sample)" and every standard is marked ``is_sample``.
"""

from django.db import transaction

from committees.models import Field

from . import services
from .models import Standard

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


def _body(title: str, scope: str, note: str) -> str:
    return BODY.format(title=title, scope=scope, note=note)


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

    def draft(self, title, scope, *, field=None, author="member", note=""):
        standard = services.standard_create(
            actor=self.u[author],
            title=f"{title} (sample)",
            scope=scope,
            field=field or self.medical,
            is_sample=True,
        )
        services.version_create(
            standard_id=standard.pk,
            actor=self.u[author],
            body=_body(standard.title, scope, note or "First version."),
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

    def load(self) -> None:
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
        evaluation = self.published(
            "Evaluation methods for medical large language models",
            "Methods and metrics for evaluating medical large language models.",
        )
        self.next_edition(
            evaluation,
            change="| 85 % | → | 90 % |",
            note="Second edition: a higher accuracy threshold.",
        )
        reaffirmed = self.published(
            "Data de-identification for medical LLM evaluation",
            "How evaluation data is de-identified before medical LLMs see it.",
            author="member2",
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
    """Create the sample standards, unless there are some already.

    ``users`` maps the demo usernames ('leader', 'deputy', 'member',
    'member2', 'expert1', 'expert2', 'auditor') to their users."""
    if Standard.objects.filter(is_sample=True).exists():
        return
    with transaction.atomic():
        _Samples(users).load()
