"""A fixed corpus of public standards in English and Chinese, published
through the lifecycle services, and a fast builder of many more."""

from dataclasses import dataclass
from datetime import date

import pytest
from django.test import TestCase

from catalogue import services as catalogue_services
from committees.models import Role
from standards import services
from standards.models import Edition, Standard, Status, Version
from tests.conftest import search_hooks_only
from tests.factories import WorkItemFactory, user_with_role
from tests.standards.conftest import (  # noqa: F401
    Lifecycle,
    World,
    lifecycle,
    make_world,
    world,
)


def publish(
    flow: Lifecycle, *, title, scope, body, field, actor=None, experts=(), **kw
):
    """A standard taken from a first draft to publication by the services."""
    w: World = flow.w
    actor = actor or w.member
    experts = experts or (w.expert1, w.expert2)
    standard = services.standard_create(
        actor=actor, title=title, scope=scope, field=field, **kw
    )
    services.version_create(
        standard_id=standard.pk, actor=actor, body=body, change_summary="First"
    )
    flow.go(standard, "submit", actor)
    services.experts_assign(
        standard_id=standard.pk, actor=w.leader, experts=list(experts)
    )
    for expert in experts:
        services.recommendation_give(
            standard_id=standard.pk, actor=expert, decision="approve"
        )
    flow.go(standard, "advance_to_audit", w.leader)
    flow.go(standard, "certify", w.auditor)
    return flow.go(standard, "publish", w.leader)


@dataclass
class Corpus:
    medical: Standard
    agents: Standard
    data: Standard
    benchmark: Standard
    chatbots: Standard  # abolished
    transparency: Standard  # under renewal
    work_item: object
    world: World

    def titles(self, standards) -> set[str]:
        return {s.title for s in standards}


MEDICAL = "Evaluation of medical large language models"
AGENTS = "Safety requirements for autonomous agents"
DATA = "训练数据治理指南"
BENCHMARK = "Benchmark reporting format"
CHATBOTS = "Evaluation of chatbots"
TRANSPARENCY = "Transparency reports"


@pytest.fixture
def corpus(lifecycle, world, only_search_hooks):  # noqa: F811
    return make_corpus(lifecycle)


@pytest.fixture(scope="module")
def corpus_once(module_db, django_db_blocker):
    """The corpus and its world, made once for a module whose tests all may
    see it (each test's writes are still rolled back after it). Such a
    module asks for it with ``shared_corpus`` (``corpus``, ``world`` and
    ``lifecycle`` of its own, from this one)."""
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        search_hooks_only(patch)
        return make_corpus(Lifecycle(make_world()))


def make_corpus(flow: Lifecycle) -> Corpus:
    """The corpus, published through the services by ``flow``'s world,
    with what they do after each commit done."""
    w = flow.w
    other_experts = [
        user_with_role(Role.Kind.EXPERT, field=w.other_field) for _ in range(2)
    ]
    work_item = WorkItemFactory(title="Medical evaluation")
    with TestCase.captureOnCommitCallbacks(execute=True):
        medical = publish(
            flow,
            title=MEDICAL,
            scope="How to evaluate medical LLMs in clinical settings.",
            body=(
                "# Method\n\nClinical question answering is graded by experts.\n\n"
                "## 中文\n\n医疗大模型评测标准规定了评测方法。\n"
            ),
            field=w.subfield,
            work_item=work_item,
        )
        agents = publish(
            flow,
            title=AGENTS,
            scope="Agents that act on behalf of their users.",
            body=(
                "Agents must refuse harmful requests.\n\n"
                "智能体安全要求：智能体必须拒绝有害请求。\n"
            ),
            field=w.other_field,
            actor=w.other_member,
            experts=other_experts,
        )
        data = publish(
            flow,
            title=DATA,
            scope="Governance of training corpora.",
            body=(
                "Data provenance and licensing are recorded.\n\n"
                "训练数据的来源与许可应当记录。测评集不得用于训练。\n"
            ),
            field=w.field,
        )
        benchmark = publish(
            flow,
            title=BENCHMARK,
            scope="How benchmark results are reported.",
            body="Result tables list the model and the benchmark.\n\n评估报告格式。\n",
            field=w.subfield,
            actor=w.other_member,
        )
        chatbots = publish(
            flow,
            title=CHATBOTS,
            scope="Withdrawn.",
            body="Evaluation of chatbots.\n\n聊天机器人评测。\n",
            field=w.subfield,
        )
        flow.go(chatbots, "abolish", w.leader, comment="Superseded by medical.")
        transparency = publish(
            flow,
            title=TRANSPARENCY,
            scope="Model cards.",
            body="Transparency of model cards.\n\n透明度报告。\n",
            field=w.subfield,
        )
        flow.go(transparency, "start_renewal", w.leader)
    return Corpus(
        medical=medical,
        agents=agents,
        data=data,
        benchmark=benchmark,
        chatbots=Standard.objects.get(pk=chatbots.pk),
        transparency=Standard.objects.get(pk=transparency.pk),
        work_item=work_item,
        world=w,
    )


def bulk_public_standards(n: int, *, field, organisation, start: int = 0) -> None:
    """``n`` published standards written directly (fast), then indexed."""
    standards = Standard.objects.bulk_create(
        [
            Standard(
                title=f"Evaluation of models, part {i}",
                scope="How to evaluate models. 模型评测。",
                field=field,
                organisation=organisation,
                status=Status.PUBLISHED,
                number=f"BULK {i:05d}:2026",
                has_edition=True,
            )
            for i in range(start, start + n)
        ]
    )
    versions = Version.objects.bulk_create(
        [
            Version(
                standard=s,
                number=1,
                body="# Scope\n\nEvaluating models.\n\n大模型评测方法。\n",
                frozen=True,
            )
            for s in standards
        ]
    )
    Edition.objects.bulk_create(
        [
            Edition(
                standard=s,
                number=s.number,
                edition=1,
                version=v,
                title=s.title,
                scope=s.scope,
                published_on=date(2026, 1, 1),
            )
            for s, v in zip(standards, versions, strict=True)
        ]
    )
    for s in standards:
        catalogue_services.search_index_standard(s.pk)


def shared_corpus():
    """``corpus``, ``world`` and ``lifecycle`` for a module whose tests share
    one corpus (``corpus_once``): ``corpus, world, lifecycle =
    shared_corpus()`` at its top."""

    @pytest.fixture(name="corpus")
    def shared(db, corpus_once, only_search_hooks):
        return corpus_once

    @pytest.fixture(name="world")
    def shared_world(corpus):
        return corpus.world

    @pytest.fixture(name="lifecycle")
    def shared_lifecycle(corpus):
        return Lifecycle(corpus.world)

    return shared, shared_world, shared_lifecycle
