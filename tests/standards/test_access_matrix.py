"""The access matrix, generated from the URL configuration.

Every route of the web and the API that names an object is listed in
``ROUTES`` with the rule of ``standards.permissions`` that decides who sees
it; a route added without an entry fails ``test_every_route_with_an_object_
has_an_entry``. For every state of a standard and every role, each route is
asked, and its answer must agree with the rule: what the rule allows answers
(200, or a refusal that is not a 404 for an action), what it does not allow
is a 404 — and no response of someone outside the draft audience contains
any of the working material's text, whichever route they asked.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from standards import permissions, services
from standards.models import Audit, Comment, Edition, Standard

from .conftest import markdown_file

pytestmark = pytest.mark.django_db

# Texts that exist only in the working material of the standard under test.
COMMENT = "WMX-comment-text"
REPLY = "WMX-reply-text"
NOTE = "WMX-recommendation-note"
FINDINGS = "WMX-audit-findings"
FILE_NAME = "wmx-attachment.md"
SUMMARY = "WMX-change-summary"
RENEWAL_BODY = "WMX-renewal-body"
RENEWAL_TITLE = "WMX renewal title"
DRAFT_BODY = "WMX-unpublished-body"
DRAFT_TITLE = "WMX unpublished title"
PUBLIC_TITLE = "Evaluation of medical LLMs"


# --- the routes and their rules ---------------------------------------------------

# category → the predicate that decides whether the route shows its object.
RULES = {
    "working": lambda s, u, o: permissions.can_see_working_material(s, u),
    "public": lambda s, u, o: permissions.has_public_record(s),
    "visible": lambda s, u, o: permissions.can_see_standard(s, u),
    "edition": lambda s, u, o: permissions.can_see_edition(o, u),
    "certificate": lambda s, u, o: permissions.can_see_certificate(o, u),
}


@dataclass(frozen=True)
class Route:
    category: str
    # Which object fills the address: the standard, or one of its parts.
    needs: str = "standard"
    kwargs: tuple = ()
    # Only for signed-in people: an anonymous caller is asked to sign in.
    signed_in: bool = False


W = "working"
ROUTES = {
    # the working page and the working material
    "standards:draft": Route(W),
    "standards:draft_edit": Route(W, signed_in=True),
    "standards:version": Route(W, kwargs=(("number", 1),)),
    "standards:attachment": Route(W, needs="attachment"),
    "standards:diff": Route(W),
    "standards:version_new": Route(W),
    "standards:assign": Route(W),
    "standards:comment_new": Route(W),
    "standards:comment_answer": Route(W, needs="comment"),
    "standards:comment_resolve": Route(W, needs="comment"),
    "standards:recommend": Route(W),
    "standards:recommendation_confirm": Route(W),
    # A transition that asks for a comment, posted without one: never taken.
    # Refused with 403 to whoever sees the standard but is not its audience.
    "standards:transition": Route("visible", kwargs=(("name", "abolish"),)),
    # The confirmation page of an irreversible transition: its GET changes
    # nothing; for the draft audience only (403 to those without the right).
    "standards:transition_confirm": Route(W, kwargs=(("name", "abolish"),)),
    "api:standard-versions": Route(W),
    "api:standard-assignments": Route(W),
    "api:standard-assignable-experts": Route(W),
    "api:standard-comments": Route(W),
    "api:standard-comment-reply": Route(W, needs="comment", signed_in=True),
    "api:standard-comment-resolve": Route(W, needs="comment", signed_in=True),
    "api:standard-recommendations": Route(W),
    "api:standard-recommendation-confirm": Route(W, signed_in=True),
    "api:standard-audits": Route(W),
    "api:standard-attachment-download": Route(W, needs="attachment"),
    "api:standard-transition": Route(
        "visible", kwargs=(("name", "abolish"),), signed_in=True
    ),
    # the public record
    "standards:detail": Route("public"),
    "standards:edition_diff": Route("public"),
    "standards:cite_bibtex": Route("public"),
    "catalogue:standard_feed": Route("public"),
    "api:standard-editions": Route("visible"),
    "api:edition": Route("edition", needs="edition"),
    "standards_pdf:edition_pdf": Route("edition", needs="edition"),
    "standards_pdf:edition_pdf_status": Route("edition", needs="edition"),
    "standards_pdf:edition_rerender": Route("edition", needs="edition"),
    "standards_pdf:certificate_pdf": Route("certificate", needs="certificate"),
    # The same files over the API, addressed under their standard.
    "api:standard-edition-pdf": Route("edition", needs="edition_of_standard"),
    "api:standard-audit-certificate": Route(
        "certificate", needs="certificate_of_standard"
    ),
    # something of the standard, whichever part the caller may see
    "api:standard": Route("visible"),
    "api:standard-history": Route("visible"),
    "api:standard-transitions": Route("visible"),
    "api:standard-watch": Route("visible", signed_in=True),
    "notifications:watch_standard": Route("visible", signed_in=True),
    "notifications:unwatch_standard": Route("visible", signed_in=True),
}

# Routes with an object that is not a standard, and why they are not here.
QMS_PUBLIC = "QMS certificates and organisations are public"
QMS_PROGRAMME = "a QMS programme (qms.permissions.can_see_programme)"
NOT_A_STANDARD = {
    "api:token": "a person's own API token",
    "api:field": "fields are public",
    "api:field-watch": "fields are public",
    "api:organisation": "organisations are public",
    "api:person": "people are public",
    "api:meeting": "meetings are public",
    "api:work-item": "work items are public",
    "api:work-item-milestones": "work items are public",
    "api:work-item-milestone": "work items are public",
    "api:work-item-history": "work items are public",
    "workplan:item_edit": "work items are public; tests/workplan check who edits",
    "workplan:milestone_new": "work items are public; tests/workplan check who edits",
    "workplan:milestone_edit": "work items are public; tests/workplan check who edits",
    "workplan:milestone_delete": (
        "work items are public; tests/workplan check who edits"
    ),
    "api:notification-read": "a person's own notification",
    "committees:field": "fields are public",
    "committees:meeting": "meetings are public",
    # A meeting's pages: public reads, and the forms of whoever runs it,
    # decided by committees.meeting_permissions (tests/committees/
    # test_meetings_pages.py).
    "committees:meeting_ics": "meetings are public (the place for members)",
    "committees:meeting_document": "a meeting's agenda documents are public",
    "committees:minutes_pdf": "approved minutes are public",
    "committees:meeting_edit": "a meeting's form (meeting_permissions)",
    "committees:meeting_transition": "a meeting's form (meeting_permissions)",
    "committees:agenda_add": "a meeting's form (meeting_permissions)",
    "committees:agenda_move": "a meeting's form (meeting_permissions)",
    "committees:agenda_remove": "a meeting's form (meeting_permissions)",
    "committees:document_upload": "a meeting's form (meeting_permissions)",
    "committees:attendance": "a meeting's form (meeting_permissions)",
    "committees:minutes": "a meeting's form (meeting_permissions)",
    "committees:decision_add": "a meeting's form (meeting_permissions)",
    "committees:action_add": "a meeting's form (meeting_permissions)",
    "committees:action_status": "an action item's owner (meeting_permissions)",
    "api:meeting-agenda": "a meeting's write (meeting_permissions)",
    "api:meeting-attendance": "a meeting's write (meeting_permissions)",
    "api:meeting-minutes": "a meeting's write (meeting_permissions)",
    "api:meeting-decisions": "a meeting's write (meeting_permissions)",
    "api:meeting-actions": "a meeting's write (meeting_permissions)",
    "api:meeting-transition": "a meeting's write (meeting_permissions)",
    "workplan:item": "work items are public",
    "catalogue:field_feed": "fields are public",
    "notifications:read": "a person's own notification",
    "notifications:read_group": (
        "marks the person's own notifications about the id read; the same "
        "answer for any id"
    ),
    "notifications:watch_field": "fields are public",
    "notifications:unwatch_field": "fields are public",
    "accounts:token_revoke": "a person's own API token",
    "api:webhook": "a person's own webhook endpoint",
    "api:webhook-deliveries": "a person's own webhook endpoint",
    "api:webhook-delivery": "a person's own webhook endpoint",
    "api:webhook-delivery-redeliver": "a person's own webhook endpoint",
    "password_reset_confirm": "a signed password reset link",
    # The QMS: its own access test (tests/qms/test_access.py) walks these.
    "qms:certificate": QMS_PUBLIC,
    "qms:certificate_pdf": QMS_PUBLIC,
    "api:qms-certificate": QMS_PUBLIC,
    "committees:organisation": QMS_PUBLIC,
    "qms:programme": QMS_PROGRAMME,
    "qms:transition": QMS_PROGRAMME,
    "qms:action": QMS_PROGRAMME,
    "qms:document": QMS_PROGRAMME,
    "api:qms-programme": QMS_PROGRAMME,
    "api:qms-programme-processes": QMS_PROGRAMME,
    "api:qms-programme-documents": QMS_PROGRAMME,
    "api:qms-programme-committee": QMS_PROGRAMME,
    "api:qms-programme-votes": QMS_PROGRAMME,
    "api:qms-programme-comments": QMS_PROGRAMME,
    "api:qms-programme-audits": QMS_PROGRAMME,
    "api:qms-programme-audit-complete": QMS_PROGRAMME,
    "api:qms-programme-audit-findings": QMS_PROGRAMME,
    "api:qms-programme-finding-close": QMS_PROGRAMME,
    "api:qms-programme-transitions": QMS_PROGRAMME,
    "api:qms-programme-transition": QMS_PROGRAMME,
}


def _routes():
    """(name, pattern) of every route of the URL configuration."""

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}{pattern.namespace}:"
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                yield f"{namespace}{pattern.name or ''}", pattern

    return list(walk(get_resolver().url_patterns))


def test_every_route_with_an_object_has_an_entry():
    missing = []
    for name, pattern in _routes():
        if not pattern.pattern.converters and "(?P<" not in str(pattern.pattern):
            continue
        if name.startswith("admin:") or name == ":" or not name:
            continue  # the admin (staff only: see the test below) and media
        if name not in ROUTES and name not in NOT_A_STANDARD:
            missing.append(name)
    assert not missing, (
        "Routes with an object but no entry in the access matrix: "
        f"{missing}. Add each to ROUTES with the rule that decides who sees it."
    )
    known = {name for name, _ in _routes()}
    assert not (set(ROUTES) | set(NOT_A_STANDARD)) - known, "stale entries"


# --- the states and the roles ----------------------------------------------------

STATES = [
    "draft",
    "expert_review",
    "audit",
    "certified",
    "published",
    "under_renewal",
    "abolished",
    "abolished_draft",
]
ROLES = [
    "anonymous",
    "member",
    "other_member",
    "deputy",
    "other_deputy",
    "expert1",
    "unassigned_expert",
    "auditor",
    "leader",
]


def _ready_pdfs(standard):
    for edition in Edition.objects.filter(standard=standard):
        edition.pdf.save(f"e{edition.pk}.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
        edition.pdf_state = Edition.PdfState.READY
        edition.pdf_pages, edition.pdf_size = 1, 9
        edition.save()
    for audit in Audit.objects.filter(standard=standard, outcome="certified"):
        audit.certificate_pdf.save(
            f"c{audit.pk}.pdf", ContentFile(b"%PDF-1.4\n"), save=False
        )
        audit.certificate_state = "ready"
        audit.certificate_pages, audit.certificate_size = 1, 9
        audit.save()


def build(state, world, lifecycle):
    """A standard in ``state`` with every kind of working material, as read
    from the database."""
    standard = _build(state, world, lifecycle)
    return Standard.objects.get(pk=standard.pk)


def _build(state, world, lifecycle):
    w = world
    published = state in {"published", "under_renewal", "abolished"}
    standard = lifecycle.draft(
        title=PUBLIC_TITLE if published else DRAFT_TITLE, with_version=False
    )
    services.version_create(
        standard_id=standard.pk,
        actor=w.member,
        body="# Scope\n\n" + ("The published text." if published else DRAFT_BODY),
        change_summary="" if published else SUMMARY,
        files=[] if published else [markdown_file(FILE_NAME)],
    )
    services.experts_assign(
        standard_id=standard.pk, actor=w.deputy, experts=[w.expert1, w.expert2]
    )
    if state in {"draft", "abolished_draft"}:
        if state == "abolished_draft":
            lifecycle.go(standard, "abolish", w.leader, comment="Not needed.")
        return standard
    lifecycle.go(standard, "submit", w.member)
    comment = services.comment_create(
        standard_id=standard.pk, actor=w.expert1, text=COMMENT
    )
    services.comment_answer(
        comment_id=comment.pk, actor=w.member, reply="noted", reply_text=REPLY
    )
    for expert in (w.expert1, w.expert2):
        services.recommendation_give(
            standard_id=standard.pk, actor=expert, decision="approve", note=NOTE
        )
    if state == "expert_review":
        return standard
    lifecycle.go(standard, "advance_to_audit", w.deputy)
    if state == "audit":
        return standard
    lifecycle.go(standard, "certify", w.auditor, comment=FINDINGS)
    if state == "certified":
        return standard
    lifecycle.go(standard, "publish", w.leader)
    if state == "abolished":
        lifecycle.go(standard, "abolish", w.leader, comment="Obsolete.")
    if state == "under_renewal":
        lifecycle.go(standard, "start_renewal", w.deputy, comment="Renewal.")
        services.standard_update(
            standard_id=standard.pk, actor=w.member, title=RENEWAL_TITLE
        )
        services.version_create(
            standard_id=standard.pk,
            actor=w.member,
            body="# Scope\n\n" + RENEWAL_BODY,
            change_summary=SUMMARY,
            files=[markdown_file(FILE_NAME)],
        )
    return standard


def _markers(state) -> list[str]:
    markers = [COMMENT, REPLY, NOTE, FINDINGS, FILE_NAME, SUMMARY]
    if state == "under_renewal":
        markers += [RENEWAL_BODY, RENEWAL_TITLE]
    if state in {"draft", "expert_review", "audit", "certified", "abolished_draft"}:
        markers += [DRAFT_BODY, DRAFT_TITLE]
    return markers


def _object(route: Route, standard):
    if route.needs == "standard":
        return standard
    if route.needs == "comment":
        return Comment.objects.filter(standard=standard).first()
    if route.needs == "attachment":
        from standards.models import Attachment

        return Attachment.objects.filter(version__standard=standard).last()
    if route.needs in {"edition", "edition_of_standard"}:
        return Edition.objects.filter(standard=standard).first()
    return Audit.objects.filter(standard=standard, outcome="certified").first()


def _address(name, route, standard, obj):
    kwargs = dict(route.kwargs)
    if route.needs in {"standard", "comment", "attachment"}:
        kwargs["pk"] = standard.pk
        if route.needs == "comment":
            kwargs["comment_id"] = obj.pk
        if route.needs == "attachment":
            kwargs["attachment_id"] = obj.pk
    elif route.needs == "edition_of_standard":
        kwargs.update(pk=standard.pk, edition=obj.edition)
    elif route.needs == "certificate_of_standard":
        kwargs.update(pk=standard.pk, audit_id=obj.pk)
    else:
        kwargs["pk"] = obj.pk
    return reverse(name, kwargs=kwargs)


def _ask(client, name, address):
    """GET the address; a route that takes no GET is POSTed an empty body
    (which no action accepts, so nothing changes)."""
    response = client.get(address)
    if response.status_code == 405:
        if name.startswith("api:"):
            response = client.post(address, {}, content_type="application/json")
        else:
            response = client.post(address, {})
    return response


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


LOGIN_ANSWERS = {302, 401, 403}


@pytest.mark.parametrize("state", STATES)
def test_every_route_agrees_with_its_rule_for_every_role(
    state, world, lifecycle, no_pdf_renders
):
    standard = build(state, world, lifecycle)
    _ready_pdfs(standard)
    status_before = Standard.objects.get(pk=standard.pk).status
    markers = _markers(state)
    wrong = []
    for role in ROLES:
        user = AnonymousUser() if role == "anonymous" else getattr(world, role)
        client = Client()
        if role != "anonymous":
            client.force_login(user)
        standard = Standard.objects.get(pk=standard.pk)
        sees_working = permissions.can_see_working_material(standard, user)
        for name, route in ROUTES.items():
            obj = _object(route, standard)
            if obj is None:
                continue  # this state has no such part
            address = _address(name, route, standard, obj)
            response = _ask(client, name, address)
            code = response.status_code
            body = _body(response)
            allowed = RULES[route.category](standard, user, obj)
            where = f"{role} {name} {address} → {code}"
            if code >= 500:
                wrong.append(f"{where}: server error")
            if role == "anonymous" and route.signed_in and code in LOGIN_ANSWERS:
                pass  # asked to sign in, whatever the object
            elif allowed and code == 404:
                wrong.append(f"{where}: the rule allows it")
            elif not allowed:
                public_redirect = (
                    name == "standards:draft"
                    and code == 302
                    and response["Location"]
                    == reverse("standards:detail", kwargs={"pk": standard.pk})
                )
                if code != 404 and not public_redirect:
                    wrong.append(f"{where}: the rule refuses it, expected 404")
            if not sees_working:
                leaked = [m for m in markers if m in body]
                if leaked:
                    wrong.append(f"{where}: shows working material {leaked}")
    assert Standard.objects.get(pk=standard.pk).status == status_before
    assert not wrong, "\n".join(wrong)


# --- lists: no working material for those outside the audience -----------------------

LISTS = [
    "/",
    "/standards/",
    "/standards/?q=WMX",
    "/feeds/standards.atom",
    "/sitemap.xml",
    "/api/v1/standards/",
    "/api/v1/standards/?q=WMX",
    "/api/v1/editions/",
    "/review/",
    "/dashboard/",
    "/drafts/",
    "/notifications/",
    "/api/v1/notifications/",
    "/api/v1/events/",
]


@pytest.mark.parametrize("state", ["under_renewal", "expert_review"])
def test_no_list_shows_working_material_outside_the_audience(
    state, world, lifecycle, no_pdf_renders
):
    standard = build(state, world, lifecycle)
    markers = _markers(state)
    wrong = []
    for role in ROLES:
        user = AnonymousUser() if role == "anonymous" else getattr(world, role)
        if permissions.can_see_working_material(standard, user):
            continue
        client = Client()
        if role != "anonymous":
            client.force_login(user)
        for address in LISTS:
            response = client.get(address)
            if response.status_code >= 500:
                wrong.append(f"{role} {address}: {response.status_code}")
            leaked = [m for m in markers if m in _body(response)]
            if leaked:
                wrong.append(f"{role} {address}: shows {leaked}")
    assert not wrong, "\n".join(wrong)


# --- the admin is for staff -------------------------------------------------------


def test_the_admin_of_standards_sends_everyone_but_staff_to_sign_in(world, lifecycle):
    standard = lifecycle.in_review()
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(getattr(world, role))
        for name in (
            "admin:standards_standard_change",
            "admin:standards_standard_history",
        ):
            address = reverse(name, kwargs={"object_id": standard.pk})
            response = client.get(address)
            assert response.status_code == 302, (role, name)
            assert response["Location"].startswith(reverse("admin:login"))
