from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from committees.models import Role
from standards import services
from tests.factories import (
    FieldFactory,
    OrganisationFactory,
    StandardFactory,
    UserFactory,
    user_with_role,
)


@dataclass
class World:
    """A field with a subfield, two organisations and one user per role."""

    field: object
    subfield: object
    other_field: object
    organisation: object
    other_organisation: object
    leader: object
    deputy: object
    other_deputy: object
    member: object
    other_member: object
    expert1: object
    expert2: object
    unassigned_expert: object
    auditor: object
    stranger: object


@pytest.fixture
def world(db):
    return make_world()


def make_world() -> World:
    """``world``'s rows, for a fixture of a wider scope (``module_db``)."""
    field = FieldFactory(name="Medical Field")
    subfield = FieldFactory(name="Critical Care Subfield", parent=field)
    other_field = FieldFactory(name="Ethics Field")
    organisation = OrganisationFactory(name="Peking University")
    other_organisation = OrganisationFactory(name="Tsinghua University")
    Kind = Role.Kind
    return World(
        field=field,
        subfield=subfield,
        other_field=other_field,
        organisation=organisation,
        other_organisation=other_organisation,
        leader=user_with_role(Kind.LEADER, username="leader"),
        deputy=user_with_role(Kind.DEPUTY_LEADER, field=field, username="deputy"),
        other_deputy=user_with_role(
            Kind.DEPUTY_LEADER, field=other_field, username="other_deputy"
        ),
        member=user_with_role(
            Kind.MEMBER_REPRESENTATIVE, organisation=organisation, username="member"
        ),
        other_member=user_with_role(
            Kind.MEMBER_REPRESENTATIVE,
            organisation=other_organisation,
            username="other_member",
        ),
        expert1=user_with_role(Kind.EXPERT, field=field, username="expert1"),
        expert2=user_with_role(Kind.EXPERT, field=field, username="expert2"),
        unassigned_expert=user_with_role(Kind.EXPERT, field=field, username="expert3"),
        auditor=user_with_role(Kind.AUDITOR, username="auditor"),
        stranger=UserFactory(username="stranger"),
    )


def markdown_file(name="notes.md", text="# Notes\n\nSome notes.\n"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/markdown")


class Lifecycle:
    """Takes a draft of ``world`` to any state through the services."""

    def __init__(self, world):
        self.w = world

    def draft(self, *, field=None, with_version=True, **kwargs):
        standard = services.standard_create(
            actor=self.w.member,
            title=kwargs.pop("title", "Evaluation of medical LLMs"),
            scope=kwargs.pop("scope", "How to evaluate medical LLMs."),
            field=field or self.w.subfield,
            **kwargs,
        )
        if with_version:
            services.version_create(
                standard_id=standard.pk,
                actor=self.w.member,
                body="# Scope\n\nEvaluating medical LLMs.\n",
                change_summary="First version",
            )
        return standard

    def go(self, standard, name, actor, comment="ok", **kwargs):
        return services.standard_transition(
            standard_id=standard.pk, name=name, actor=actor, comment=comment, **kwargs
        )

    def in_review(self, **kwargs):
        standard = self.draft(**kwargs)
        self.go(standard, "submit", self.w.member)
        services.experts_assign(
            standard_id=standard.pk,
            actor=self.w.deputy,
            experts=[self.w.expert1, self.w.expert2],
        )
        return standard

    def reviewed(self, **kwargs):
        standard = self.in_review(**kwargs)
        for expert in (self.w.expert1, self.w.expert2):
            services.recommendation_give(
                standard_id=standard.pk, actor=expert, decision="approve"
            )
        return standard

    def in_audit(self, **kwargs):
        standard = self.reviewed(**kwargs)
        self.go(standard, "advance_to_audit", self.w.deputy)
        return standard

    def certified(self, **kwargs):
        standard = self.in_audit(**kwargs)
        self.go(standard, "certify", self.w.auditor)
        return standard

    def published(self, **kwargs):
        standard = self.certified(**kwargs)
        return self.go(standard, "publish", self.w.leader)

    def at(self, state, **kwargs):
        return {
            "draft": self.draft,
            "expert_review": self.reviewed,
            "audit": self.in_audit,
            "certified": self.certified,
            "published": self.published,
        }[state](**kwargs)


@pytest.fixture
def no_pdf_renders(monkeypatch):
    """PDFs are not rendered (tests/standards/test_pdf.py renders them): for
    tests about who sees what, where a render would only cost time."""
    monkeypatch.setattr(services.history, "edition_published_hooks", [])
    monkeypatch.setattr(services.history, "audit_certified_hooks", [])


@pytest.fixture
def lifecycle(world):
    return Lifecycle(world)


__all__ = ["StandardFactory", "markdown_file"]
