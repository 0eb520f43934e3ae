"""Pages of the lifecycle of a standard.

Views stay thin: they parse input with a form, call one service, and answer.
A refusal of a service (``ApplicationError``) is shown on the page the form
came from: the POST answers a redirect there (post-redirect-get), and that
page shows what was typed with the reason, answering once with the refusal's
HTTP status (409, 403, 400, 413, 415); ``not_found`` becomes a 404, so a
draft a person may not see stays unseen, files and all.
"""

from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications.services import notifications_mark_read_on_visit
from portal.errors import ApplicationError
from portal.files import send_file
from portal.localized import localized
from portal.markdown import html_with_toc
from portal.naming import portal_name
from portal.public_cache import cache_public_page, cached_working

from . import permissions, selectors, services, workspace
from .citation import citation_for
from .diff import version_diff
from .forms import (
    AnswerForm,
    AssignForm,
    CommentForm,
    DiffForm,
    DraftForm,
    EditionDiffForm,
    RecommendForm,
    TransitionForm,
    VersionForm,
)
from .models import Attachment, Comment, PublicStatus, Standard, Status
from .uploads import download_name


def _or_404(function, **kwargs):
    """Call a selector; its ``not_found`` refusal becomes a 404."""
    try:
        return function(**kwargs)
    except ApplicationError as exc:
        if exc.code == "not_found":
            raise Http404(exc.message) from None
        raise


def _working_or_404(request, pk) -> Standard:
    """A standard whose working material the viewer sees (404 otherwise)."""
    return _or_404(selectors.standard_get_working, standard_id=pk, user=request.user)


def _put_on_form(form, exc: ApplicationError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


# --- my drafts ----------------------------------------------------------------


@login_required
def drafts(request):
    return render(
        request,
        "standards/drafts.html",
        {
            "standards": selectors.drafts_of_user(request.user),
            "can_create": bool(permissions.can_create_draft(request.user)),
        },
    )


def _refused_details(request, form, *, pk, key, back, status=400, exc=None):
    """A refused new-draft or edit-details form: kept once for its own page
    (``back``), which shows what was typed with the reason and answers with
    the refusal's status (post-redirect-get, as the working page's forms)."""
    if exc is None:
        messages.error(request, _("Please correct the errors below."))
    else:
        _put_on_form(form, exc)
        messages.error(request, exc.message)
    _keep_refused(request, pk, status=status, key=key, form=form)
    return redirect(back)


@login_required
def draft_new(request):
    permissions.require(permissions.can_create_draft(request.user))
    back = reverse("standards:draft_new")
    if request.method == "POST":
        form = DraftForm(request.POST)
        if not form.is_valid():
            return _refused_details(request, form, pk=None, key=NEW, back=back)
        data = form.cleaned_data
        try:
            standard = services.standard_create(
                actor=request.user,
                title=data["title"],
                scope=data["scope"],
                title_zh=data["title_zh"],
                scope_zh=data["scope_zh"],
                language=data["language"] or "en",
                field=data["field"],
                work_item=data["work_item"],
                authors=data["authors"],
            )
        except ApplicationError as exc:
            return _refused_details(
                request, form, pk=None, key=NEW, back=back, status=exc.status, exc=exc
            )
        messages.success(request, _("Draft created. Upload its first version below."))
        return redirect(
            reverse("standards:draft", kwargs={"pk": standard.pk}) + "#upload"
        )
    refused, status = _take_refused(request, None, own_page=NEW)
    form = _bound_forms(None, refused).get(NEW) or DraftForm()
    return render(
        request,
        "standards/draft_form.html",
        {"form": form, "standard": None},
        status=status,
    )


@login_required
def draft_edit(request, pk):
    standard = _working_or_404(request, pk)
    permissions.require(permissions.can_edit(standard, request.user))
    back = reverse("standards:draft_edit", kwargs={"pk": standard.pk})
    if request.method == "POST":
        form = DraftForm(request.POST)
        if not form.is_valid():
            return _refused_details(
                request, form, pk=standard.pk, key=DETAILS, back=back
            )
        data = form.cleaned_data
        try:
            services.standard_update(
                standard_id=standard.pk,
                actor=request.user,
                expected_status=request.POST.get("expected_status") or None,
                title=data["title"],
                scope=data["scope"],
                title_zh=data["title_zh"],
                scope_zh=data["scope_zh"],
                language=data["language"] or standard.language,
                field=data["field"],
                work_item=data["work_item"],
                authors=data["authors"],
            )
        except ApplicationError as exc:
            if exc.code == "not_found":
                raise Http404(exc.message) from None
            return _refused_details(
                request,
                form,
                pk=standard.pk,
                key=DETAILS,
                back=back,
                status=exc.status,
                exc=exc,
            )
        messages.success(request, _("The draft's details are saved."))
        return redirect("standards:draft", pk=standard.pk)
    refused, status = _take_refused(request, standard.pk, own_page=DETAILS)
    form = _bound_forms(standard, refused).get(DETAILS) or DraftForm(
        initial=DraftForm.initial_from(standard)
    )
    return render(
        request,
        "standards/draft_form.html",
        {"form": form, "standard": standard},
        status=status,
    )


# --- the draft's working page -------------------------------------------------

# Transitions that cannot be undone: taken from a confirmation page that says
# what they do (its GET changes nothing; its POST goes to ``transition``).
CONFIRMED = ("abolish", "publish", "fail_audit")

# Transitions that a page never offers as the person's turn, however open:
# "Other actions" holds them (abolish is never anyone's next step).
SECONDARY = ("abolish",)

# A refused form is kept here once, so that the page it came from shows it
# again, with what was typed and why it was refused, after the redirect
# (post-redirect-get: the browser never stays on the address of a POST).
REFUSED = "standards:refused"

# The keys of the forms with a page of their own, the new-draft and the
# edit-details forms: only that page shows their refusal (the working page
# of the same draft does not take it).
NEW = "new"
DETAILS = "details"
OWN_PAGE_FORMS = (NEW, DETAILS)


def _key_text(key) -> str:
    return ":".join(str(part) for part in key) if isinstance(key, tuple) else key


def _key_of(text: str):
    kind, _sep, rest = text.partition(":")
    if not rest:
        return kind
    return (kind, int(rest) if kind == "answer" else rest)


def _keep_refused(request, pk, *, status, key="", form=None) -> None:
    kept = {"pk": pk, "status": status, "key": _key_text(key)}
    if form is not None:
        kept["data"] = {
            name: form.data.getlist(name)
            for name in form.data
            if name != "csrfmiddlewaretoken"
        }
        kept["errors"] = {
            field: [str(text) for text in texts] for field, texts in form.errors.items()
        }
    request.session[REFUSED] = kept


def _take_refused(request, pk, *, own_page: str = "") -> tuple[dict, int]:
    """What was refused on this standard's page, once: ``({key: (data,
    errors)}, status)``; the page answers with the refusal's status.
    ``own_page``: the key of the form of a page of its own (``NEW`` with
    ``pk`` None, ``DETAILS``), whose refusal only that page takes."""
    kept = request.session.get(REFUSED)
    if not kept or kept.get("pk") != pk:
        return {}, 200
    key = kept.get("key")
    if (key != own_page) if own_page else (key in OWN_PAGE_FORMS):
        return {}, 200
    del request.session[REFUSED]
    refused = {}
    if kept.get("key") and "data" in kept:
        refused[_key_of(kept["key"])] = (
            MultiValueDict(kept["data"]),
            kept.get("errors", {}),
        )
    return refused, kept.get("status", 200)


def _transition_form(standard, name, data=None) -> TransitionForm:
    form = TransitionForm(
        data,
        name=name,
        standard=standard,
        comment_required=name in services.COMMENT_REQUIRED,
        initial={"expected_status": standard.status},
    )
    form.label = services.TRANSITIONS[name]
    return form


def _bound_forms(standard, refused: dict) -> dict:
    """The refused forms rebuilt from what was typed, with the refusal's
    words on them (the service's reasons, which a new check cannot give)."""
    bound = {}
    for key, (data, errors) in refused.items():
        kind = key[0] if isinstance(key, tuple) else key
        if kind in OWN_PAGE_FORMS:
            form = DraftForm(data)
        elif kind == "transition":
            if key[1] not in services.TRANSITIONS:
                continue
            form = _transition_form(standard, key[1], data)
        elif kind == "answer":
            form = AnswerForm(data, auto_id=f"id_answer_{key[1]}_%s")
        elif kind == "version":
            form = VersionForm(data, auto_id="id_version_%s")
        elif kind == "assign":
            form = AssignForm(
                data, auto_id="id_assign_%s", experts=selectors.experts_for(standard)
            )
        elif kind == "comment":
            form = CommentForm(data, auto_id="id_comment_%s")
        elif kind == "recommend":
            form = RecommendForm(data, auto_id="id_recommend_%s")
        else:
            continue
        form.is_valid()
        for field, texts in errors.items():
            target = field if field in form.fields else None
            shown = form.errors.get(target or NON_FIELD_ERRORS, [])
            for text in texts:
                if text not in shown:
                    form.add_error(target, text)
        bound[key] = form
    return bound


def _transition_items(standard, user, bound: dict, only=None) -> tuple[list, list]:
    """The transitions open to ``user`` now (of ``only``, when given), split
    into the person's turn and "other actions"; each with its form, or the
    reason it is refused (``permissions.transition_refusal``), or the
    confirmation page it goes through when it cannot be undone."""
    names = permissions.transitions_open_to(standard, user)
    if only is not None:
        names = [name for name in names if name in only]
    refusals = {
        name: permissions.transition_refusal(standard, user, name) for name in names
    }
    turn, other = [], []
    for name in names:
        refusal = refusals[name]
        item = {
            "name": name,
            "label": services.TRANSITIONS[name],
            "refusal": "" if refusal else refusal.message,
            "confirm": name in CONFIRMED,
            "form": None,
        }
        if refusal and not item["confirm"]:
            form = bound.get(("transition", name))
            if form is None:
                form = _transition_form(standard, name)
            else:
                # The page now shows the current state: acting again from it
                # is a deliberate choice made with that state in view.
                form.data = form.data.copy()
                form.data["expected_status"] = standard.status
            item["form"] = form
        # Requesting changes is the deputy's turn once the review is
        # complete; before, it is there but not in the way.
        secondary = name in SECONDARY or (
            name == "request_changes" and not refusals.get("advance_to_audit")
        )
        (other if secondary else turn).append(item)
    return turn, other


def _return_reason(standard):
    """Why a draft came back to its authors: the history entry that returned
    it (changes requested or a failed audit), while it is a draft again."""
    if standard.status != Status.DRAFT:
        return None
    moves = [entry for entry in standard.history_list if entry.to_state]
    last = moves[-1] if moves else None
    if last is not None and last.action in ("request_changes", "fail_audit"):
        return last
    return None


def _draft_context(request, standard: Standard, bound: dict) -> dict:
    """Everything the working page shows, and the forms the viewer may use,
    the person's turn first.

    ``bound`` holds a form that was posted and refused, keyed like the form it
    replaces, so what the person typed is shown again with the reason."""
    user = request.user
    status = standard.status
    is_assigned = permissions.is_assigned_expert(standard, user)
    may_assign = bool(permissions.can_assign(standard, user))
    may_answer = bool(permissions.can_answer(standard, user))
    is_author = permissions.is_organisation_representative(standard, user)

    # Reviews belong to a version: what was given on an older one is marked
    # as such (it no longer counts toward advancing to audit).
    current_id = standard.current.pk if standard.current else None
    comments_by_version = defaultdict(list)
    to_answer = []
    for comment in standard.comment_list:
        comment.can_resolve = bool(permissions.can_resolve(comment, standard, user))
        comment.awaits_revision = permissions.awaits_revision(comment, current_id)
        if may_answer:
            comment.answer_form = bound.get(("answer", comment.pk)) or AnswerForm(
                auto_id=f"id_answer_{comment.pk}_%s",
                initial={"reply": comment.reply, "reply_text": comment.reply_text},
            )
            # Unanswered comments are answered in the actions box, at the top.
            comment.answer_in_actions = not comment.reply
            if comment.answer_in_actions:
                to_answer.append(comment)
        comments_by_version[comment.version_id].append(comment)
    recommendations_by_version = defaultdict(list)
    for recommendation in standard.recommendation_list:
        recommendation.outdated = not permissions.recommendation_counts(
            recommendation, current_id
        )
        recommendations_by_version[recommendation.version_id].append(recommendation)
    feedback = [
        (
            version,
            comments_by_version[version.pk],
            recommendations_by_version[version.pk],
        )
        for version in reversed(standard.version_list)
        if comments_by_version[version.pk] or recommendations_by_version[version.pk]
    ]

    turn_transitions, other_transitions = _transition_items(standard, user, bound)
    open_names = {item["name"] for item in turn_transitions + other_transitions}
    unsent = [
        form
        for key, form in bound.items()
        if isinstance(key, tuple)
        and key[0] == "transition"
        and key[1] not in open_names
    ]

    version_form = None
    if permissions.can_upload(standard, user):
        version_form = bound.get("version") or VersionForm(
            auto_id="id_version_%s",
            initial={"body": standard.current.body if standard.current else ""},
        )
    assign_form = None
    if may_assign:
        assign_form = bound.get("assign") or AssignForm(
            auto_id="id_assign_%s",
            experts=selectors.experts_for(standard),
            exclude=[a.expert_id for a in standard.assignment_list],
        )
    to_confirm = None
    if permissions.can_confirm_recommendation(standard, user):
        to_confirm = permissions.recommendation_to_confirm(standard, user)
    comment_form = recommend_form = None
    if permissions.can_give_feedback(standard, user):
        comment_form = bound.get("comment") or CommentForm(auto_id="id_comment_%s")
        recommend_form = bound.get("recommend") or RecommendForm(
            auto_id="id_recommend_%s"
        )

    return_reason = _return_reason(standard) if is_author else None
    # The points the authors still have to address, each linked.
    open_points = [
        comment
        for comment in standard.comment_list
        if is_author
        and (not comment.reply or comment.awaits_revision or comment.is_open_blocking)
    ]
    latest_audit = max(
        standard.audit_list, key=lambda a: (a.created, a.pk), default=None
    )
    upload_needed = standard.current is None or bool(
        standard.awaiting_revision
        or permissions.audit_requires_new_version(latest_audit, current_id)
    )
    assign_in_turn = (
        assign_form is not None
        and status == Status.EXPERT_REVIEW
        and not standard.assignment_list
    )
    has_actions = bool(
        turn_transitions
        or other_transitions
        or version_form
        or assign_form
        or comment_form
        or to_confirm
        or to_answer
    )
    return {
        "standard": standard,
        "days_waiting": (timezone.now() - standard.status_changed).days,
        "can_edit": bool(permissions.can_edit(standard, user)),
        "is_assigned": is_assigned,
        "feedback": feedback,
        "turn_transitions": turn_transitions,
        "other_transitions": other_transitions,
        "has_actions": has_actions,
        # What was typed for a transition that is no longer possible, so that
        # it is not lost when the draft changed meanwhile.
        "unsent_comment": next(
            (f.data.get("comment", "") for f in unsent if f.data.get("comment")), ""
        ),
        "version_form": version_form,
        # A draft that came back is revised next: its upload form is open.
        "upload_open": upload_needed or bool(return_reason) or "version" in bound,
        "assign_form": assign_form,
        "assign_in_turn": assign_in_turn or "assign" in bound,
        "comment_form": comment_form,
        "recommend_form": recommend_form,
        "recommendation_to_confirm": to_confirm,
        "to_answer": to_answer,
        "return_reason": return_reason,
        "open_points": open_points,
        "max_attachment_bytes": settings.MAX_ATTACHMENT_BYTES,
    }


def _mark_read_on_visit(request, standard):
    """Notifications about ``standard`` are read once its page is opened;
    what is left unread, for the header's bell (None for a reader not
    signed in, who has no bell)."""
    if not request.user.is_authenticated:
        return None
    return notifications_mark_read_on_visit(user=request.user, standard=standard)


def draft(request, pk):
    """The working page, for the draft audience. Anyone else reads a
    published standard on its public page; a draft does not exist for them."""
    try:
        standard = selectors.draft_detail(standard_id=pk, user=request.user)
    except ApplicationError as exc:
        if exc.code != "not_found":
            raise
        # Outside the draft audience: its public record, if it has one.
        standard = Standard.objects.filter(pk=pk).first()
        if standard is not None and permissions.has_public_record(standard):
            return redirect("standards:detail", pk=standard.pk)
        raise Http404(_("No such standard.")) from None
    unread = _mark_read_on_visit(request, standard)
    refused, status = _take_refused(request, pk)
    context = _draft_context(request, standard, _bound_forms(standard, refused))
    # The bell in the header shows what is left unread: counted already.
    context["unread_notifications_count"] = unread
    return render(request, "standards/draft.html", context, status=status)


def _draft_url(pk, anchor: str = "") -> str:
    url = reverse("standards:draft", kwargs={"pk": pk})
    return f"{url}#{anchor}" if anchor else url


def _act(
    request,
    pk,
    *,
    key,
    form,
    call,
    success: str,
    anchor: str = "",
    form_anchor: str = "",
    back: str = "",
    done: str = "",
):
    """Run ``call(cleaned_data)`` for a valid form, then go back to the draft
    (or ``done``). A refusal goes back to the form's own page (``back``, by
    default the working page at ``form_anchor``), which shows what was typed
    with the reason and answers with the refusal's status."""
    # Outside the draft audience the draft does not exist, whatever was sent.
    _working_or_404(request, pk)
    back = back or _draft_url(pk, form_anchor)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        _keep_refused(request, pk, status=400, key=key, form=form)
        return redirect(back)
    try:
        call(form.cleaned_data)
    except ApplicationError as exc:
        if exc.code == "not_found":
            raise Http404(exc.message) from None
        _put_on_form(form, exc)
        messages.error(request, exc.message)
        _keep_refused(request, pk, status=exc.status, key=key, form=form)
        return redirect(back)
    messages.success(request, success)
    return redirect(done or _draft_url(pk, anchor))


@require_POST
def version_new(request, pk):
    form = VersionForm(request.POST, request.FILES, auto_id="id_version_%s")
    return _act(
        request,
        pk,
        key="version",
        form=form,
        call=lambda data: services.version_create(
            standard_id=pk,
            actor=request.user,
            body=data["body"],
            change_summary=data["change_summary"],
            files=data["files"],
        ),
        success=_("New version uploaded."),
        anchor="versions",
        form_anchor="upload",
    )


@require_POST
def assign(request, pk):
    standard = _working_or_404(request, pk)
    form = AssignForm(
        request.POST,
        auto_id="id_assign_%s",
        experts=selectors.experts_for(standard),
    )
    return _act(
        request,
        pk,
        key="assign",
        form=form,
        call=lambda data: services.experts_assign(
            standard_id=pk, actor=request.user, experts=data["experts"]
        ),
        success=_("Experts assigned."),
        anchor="experts",
        form_anchor="assign",
    )


@require_POST
def comment_new(request, pk):
    form = CommentForm(request.POST, auto_id="id_comment_%s")
    return _act(
        request,
        pk,
        key="comment",
        form=form,
        call=lambda data: services.comment_create(
            standard_id=pk,
            actor=request.user,
            text=data["text"],
            section=data["section"],
            blocking=data["blocking"],
        ),
        success=_("Comment added."),
        anchor="feedback",
        form_anchor="comment-form",
    )


def _comment_of(pk, comment_id) -> None:
    if not Comment.objects.filter(pk=comment_id, standard_id=pk).exists():
        raise Http404(_("No such comment."))


@require_POST
def comment_answer(request, pk, comment_id):
    _comment_of(pk, comment_id)
    form = AnswerForm(request.POST, auto_id=f"id_answer_{comment_id}_%s")
    return _act(
        request,
        pk,
        key=("answer", comment_id),
        form=form,
        call=lambda data: services.comment_answer(
            comment_id=comment_id,
            actor=request.user,
            reply=data["reply"],
            reply_text=data["reply_text"],
        ),
        success=_("Answer saved."),
        anchor=f"comment-{comment_id}",
        form_anchor=f"answer-{comment_id}",
    )


@require_POST
def comment_resolve(request, pk, comment_id):
    _comment_of(pk, comment_id)
    try:
        services.comment_resolve(comment_id=comment_id, actor=request.user)
    except ApplicationError as exc:
        if exc.code == "not_found":
            raise Http404(exc.message) from None
        messages.error(request, exc.message)
        _keep_refused(request, pk, status=exc.status)
        return redirect(_draft_url(pk, f"comment-{comment_id}"))
    messages.success(request, _("Blocking comment resolved."))
    return redirect(_draft_url(pk, "feedback"))


@require_POST
def recommend(request, pk):
    form = RecommendForm(request.POST, auto_id="id_recommend_%s")
    return _act(
        request,
        pk,
        key="recommend",
        form=form,
        call=lambda data: services.recommendation_give(
            standard_id=pk,
            actor=request.user,
            decision=data["decision"],
            note=data["note"],
        ),
        success=_("Recommendation recorded."),
        anchor="feedback",
        form_anchor="recommend-form",
    )


@require_POST
def recommendation_confirm(request, pk):
    """One click: an assigned expert confirms their recommendation on an
    older version on the current version."""
    try:
        services.recommendation_confirm(standard_id=pk, actor=request.user)
    except ApplicationError as exc:
        if exc.code == "not_found":
            raise Http404(exc.message) from None
        messages.error(request, exc.message)
        _keep_refused(request, pk, status=exc.status)
        return redirect(_draft_url(pk, "actions"))
    messages.success(request, _("Recommendation confirmed on the current version."))
    return redirect(_draft_url(pk, "feedback"))


@require_POST
def transition(request, pk, name):
    """Take a transition. Success goes to the working page (or, from the
    public page, back there); a refusal to the form's own page: the
    confirmation page of an irreversible transition, the public page for
    its actions, else the working page."""
    if name not in services.TRANSITIONS:
        raise Http404(_("Unknown transition."))
    standard = _or_404(
        selectors.standard_get_visible, standard_id=pk, user=request.user
    )
    if not permissions.can_see_working_material(standard, request.user):
        # Seen from outside its draft audience (its public record): refused
        # as the API refuses, on the error page, not the working page.
        permissions.require(permissions.can_take(standard, request.user, name))
    form = _transition_form(standard, name, request.POST)
    from_public = request.POST.get("from") == "public"
    public_url = reverse("standards:detail", kwargs={"pk": pk})
    if name in CONFIRMED:
        back = reverse("standards:transition_confirm", kwargs={"pk": pk, "name": name})
        if from_public:
            back += "?from=public"
    elif from_public:
        back = f"{public_url}#actions"
    else:
        back = _draft_url(pk, f"transition-{name}")
    # A renewal is worked on the working page; the public page's other
    # actions (reaffirm, abolish) are seen where they were taken.
    done = public_url if from_public and name != "start_renewal" else ""
    return _act(
        request,
        pk,
        key=("transition", name),
        form=form,
        call=lambda data: services.standard_transition(
            standard_id=pk,
            name=name,
            actor=request.user,
            comment=data["comment"],
            expected_status=data["expected_status"] or None,
            replaced_by=data.get("replaced_by"),
        ),
        success=_("Done: %(transition)s.") % {"transition": services.TRANSITIONS[name]},
        back=back,
        done=done,
    )


def _consequence(standard, name: str) -> str:
    """What an irreversible transition does, in words, before it is taken."""
    if name == "publish":
        if standard.number:
            return _(
                "The current version becomes the next edition of %(number)s, "
                "public to everyone and in force from today; the edition in "
                "force until now is superseded. The next periodic review falls "
                "due in %(days)d days. A published edition cannot be taken back."
            ) % {"number": standard.number, "days": settings.REVIEW_PERIOD_DAYS}
        return _(
            "The current version becomes the first edition of this standard: it "
            "receives its number, is public to everyone and in force from today. "
            "The next periodic review falls due in %(days)d days. A published "
            "edition cannot be taken back."
        ) % {"days": settings.REVIEW_PERIOD_DAYS}
    if name == "abolish":
        if standard.has_edition:
            return _(
                "The edition in force is withdrawn today: the standard is no "
                "longer in force, and its public page says it is abolished, with "
                "your reason. Any draft of a renewal is closed. This cannot be "
                "undone."
            )
        return _(
            "The draft is closed for good: no more versions, reviews, audits or "
            "publication. This cannot be undone."
        )
    return _(
        "The draft goes back to its authors with your findings, which they see "
        "at the top of the working page. The audited version cannot be "
        "submitted again as it is: they must upload a new version first."
    )


def transition_confirm(request, pk, name):
    """The confirmation page of an irreversible transition: GET states the
    consequence and changes nothing; its form posts to ``transition``."""
    if name not in CONFIRMED:
        raise Http404(_("Unknown transition."))
    standard = _working_or_404(request, pk)
    refused, status = _take_refused(request, pk)
    decision = permissions.can_take(standard, request.user, name)
    if not decision and decision.code == "conflict":
        # The state changed meanwhile: the working page says so, and shows
        # what was typed for the transition no longer possible.
        messages.error(request, decision.message)
        for key, (data, errors) in refused.items():
            request.session[REFUSED] = {
                "pk": pk,
                "status": 409,
                "key": _key_text(key),
                "data": dict(data.lists()),
                "errors": errors,
            }
        return redirect(_draft_url(pk))
    permissions.require(decision)
    from_public = request.GET.get("from") == "public"
    form = _bound_forms(standard, refused).get(("transition", name))
    if form is None:
        form = _transition_form(standard, name)
    return render(
        request,
        "standards/transition_confirm.html",
        {
            "standard": standard,
            "name": name,
            "label": services.TRANSITIONS[name],
            "form": form,
            "consequence": _consequence(standard, name),
            "from_public": from_public,
            "cancel_url": (
                reverse("standards:detail", kwargs={"pk": pk})
                if from_public
                else _draft_url(pk, "actions")
            ),
        },
        status=status,
    )


def attachment(request, pk, attachment_id):
    """An attached file, for those who may see its standard (404 otherwise)."""
    standard = _working_or_404(request, pk)
    item = get_object_or_404(
        Attachment, pk=attachment_id, version__standard_id=standard.pk
    )
    try:
        # After the permission check: streamed, or through the proxy or a
        # short-lived presigned URL when media are elsewhere (portal.files).
        response = send_file(
            request,
            item.file,
            filename=download_name(item.original_name, item.extension),
            content_type=item.content_type,
        )
    except FileNotFoundError:
        raise Http404(_("The file is missing.")) from None
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=0"
    return response


def version(request, pk, number):
    standard = _working_or_404(request, pk)
    item = get_object_or_404(
        standard.versions.select_related("author__person").prefetch_related(
            "attachments"
        ),
        number=number,
    )
    return render(
        request, "standards/version.html", {"standard": standard, "version": item}
    )


def diff(request, pk):
    standard = _working_or_404(request, pk)
    versions = {v.number: v for v in standard.versions.order_by("number")}
    numbers = sorted(versions)
    status = 200
    result = None
    if "a" in request.GET or "b" in request.GET:
        form = DiffForm(request.GET, numbers=numbers)
    elif len(numbers) >= 2:
        form = DiffForm({"a": numbers[-2], "b": numbers[-1]}, numbers=numbers)
    else:
        form = DiffForm(numbers=numbers)
    old = new = None
    if form.is_bound:
        if form.is_valid():
            old = versions[form.cleaned_data["a"]]
            new = versions[form.cleaned_data["b"]]
            result = version_diff(old.body, new.body)
        else:
            status = 400
    return render(
        request,
        "standards/diff.html",
        {
            "standard": standard,
            "form": form,
            "old": old,
            "new": new,
            "diff": result,
            "version_count": len(numbers),
        },
        status=status,
    )


# --- queues and the pipeline ------------------------------------------------


@login_required
def review(request):
    """The queue, the oldest drafts of each part; ``?part=`` one part whole,
    a page at a time."""
    key = request.GET.get("part")
    if key:
        label, page = _or_404(
            selectors.review_queue_part,
            user=request.user,
            key=key,
            page=request.GET.get("page"),
        )
        return render(
            request,
            "standards/review_part.html",
            {"key": key, "label": label, "page": page},
        )
    return render(
        request,
        "standards/review.html",
        {"queue": workspace.cached_review_queue(request.user)},
    )


CHART_WIDTH = 640
CHART_LABEL_WIDTH = 150
CHART_BAR_AREA = 420
CHART_ROW = 34


def _bar_chart(states):
    """Bars of an inline SVG, one per state, computed here (no JS library)."""
    largest = max((count for _value, _label, count in states), default=0) or 1
    bars = []
    for index, (value, label, count) in enumerate(states):
        width = round(CHART_BAR_AREA * count / largest)
        y = index * CHART_ROW
        bars.append(
            {
                "status": value,
                "label": label,
                "count": count,
                "y": y + 6,
                "text_y": y + 23,
                "x": CHART_LABEL_WIDTH,
                "width": max(width, 1 if count else 0),
                "count_x": CHART_LABEL_WIDTH + width + 8,
            }
        )
    return {
        "bars": bars,
        "width": CHART_WIDTH,
        "height": len(states) * CHART_ROW + 6,
        "label_x": CHART_LABEL_WIDTH - 10,
    }


@login_required
def dashboard(request):
    """The "My work" page, every signed-in person's home: what waits on
    them, their drafts and reviews, the periodic reviews due, by role; then
    the whole pipeline for those who see it."""
    work = workspace.cached_workspace(request.user)
    context = {"work": work}
    if permissions.can_see_pipeline(request.user):
        context["pipeline_html"] = _pipeline_html(request, work)
    return render(request, "standards/dashboard.html", context)


def _pipeline_html(request, work) -> str:
    """The pipeline part of the dashboard, rendered: the same for this
    person until any standard (or field, work item, milestone, role, history
    entry) changes, or the day does (days waiting, reviews overdue), so kept
    rendered until then (``cached_working``, per language too): the counts
    by field and state, the chart and the tables cost tens of milliseconds
    on every visit of the leader and the deputy leaders."""
    user = request.user
    parts = (*workspace.person_today(user), work.review_due is None)

    def render_part() -> str:
        context = {**_pipeline_context(user), "work": work}
        return render_to_string(
            "standards/includes/pipeline.html", context, request=request
        )

    return mark_safe(cached_working("dashboard-pipeline", parts, render_part))  # noqa: S308 — rendered by the template engine, escaped there


def _pipeline_context(user) -> dict:
    """The pipeline part of the dashboard: figures, chart and tables."""
    pipeline = selectors.pipeline(user=user)
    # A standard in the internal state "published" is in force with no
    # renewal under way; "Published" is kept for the public figure below,
    # which counts renewals too, as home, catalogue and API do.
    labels = {**dict(Status.choices), Status.PUBLISHED: PublicStatus.IN_FORCE.label}
    states = [
        (value, labels[value], pipeline.by_state.get(value, 0))
        for value in Status.values
    ]
    field_rows = [
        {
            "field": row["field"],
            "parent": row["parent"],
            "counts": [row.get(value, 0) for value in Status.values],
            "total": row["total"],
        }
        for row in pipeline.by_field
    ]
    return {
        "pipeline": pipeline,
        "states": states,
        "total": sum(count for _v, _l, count in states),
        "chart": _bar_chart(states),
        "field_rows": field_rows,
        "public_figures": [
            (value, pipeline.by_public_status.get(value, 0))
            for value in PublicStatus.values
        ],
    }


# --- the public catalogue -----------------------------------------------------


def _public_url(request, standard) -> str:
    return request.build_absolute_uri(
        reverse("standards:detail", kwargs={"pk": standard.pk})
    )


def _page_description(standard) -> str:
    """The scope on one line, cut at 200 characters, for search engines and
    link previews."""
    scope = " ".join((localized(standard, "public_scope") or "").split())
    if scope:
        return Truncator(scope).chars(200)
    return _("%(title)s: a standard of the %(group)s.") % {
        "title": f"{standard.number} {localized(standard, 'public_title')}".strip(),
        "group": portal_name(),
    }


# What the public page offers those who may take it.
PUBLIC_PAGE_ACTIONS = ("reaffirm", "start_renewal", "abolish")


@cache_public_page
def detail(request, pk):
    standard = _or_404(selectors.public_standard_detail, standard_id=pk)
    unread = _mark_read_on_visit(request, standard)
    # The public page shows the lifecycle steps; the expert feedback of a
    # draft cycle stays on the working page.
    history = [entry for entry in standard.history_list if entry.to_state]
    body, toc = (
        html_with_toc(standard.in_force.version.rendered_body())
        if standard.in_force
        else ("", [])
    )
    url = _public_url(request, standard)
    editions = standard.edition_list
    # The leader's and deputy leaders' actions on a published standard, for
    # those ``permissions`` lets take them; each goes through ``transition``.
    refused, status = {}, 200
    if request.user.is_authenticated:
        refused, status = _take_refused(request, standard.pk)
    bound = _bound_forms(standard, refused)
    actions = [
        item
        for items in _transition_items(
            standard, request.user, bound, only=PUBLIC_PAGE_ACTIONS
        )
        for item in items
    ]
    pdf_url = ""
    if standard.in_force and standard.in_force.pdf_state == "ready":
        pdf_url = request.build_absolute_uri(
            reverse("standards_pdf:edition_pdf", kwargs={"pk": standard.in_force.pk})
        )
    diff_form = None
    if len(editions) >= 2:
        diff_form = EditionDiffForm(
            initial={"a": editions[1].edition, "b": editions[0].edition},
            editions=list(reversed(editions)),
            auto_id="diff_%s",
        )
    return render(
        request,
        "standards/detail.html",
        {
            "standard": standard,
            "history": history,
            "body": body,
            "toc": toc,
            "page_url": url,
            "page_description": _page_description(standard),
            "citation": citation_for(standard, url),
            "diff_form": diff_form,
            "can_work_on": request.user.is_authenticated and standard.under_renewal,
            "actions": actions,
            "pdf_url": pdf_url,
            "unread_notifications_count": unread,
        },
        status=status,
    )


@cache_public_page
def edition_diff(request, pk):
    """The changes between two editions of a public standard (by default the
    last two). An edition the standard does not have is refused on the form,
    with a 400, never a server error."""
    standard = _or_404(
        selectors.public_standard_editions, standard_id=pk, with_text=True
    )
    by_number = {e.edition: e for e in standard.edition_list}
    oldest_first = sorted(standard.edition_list, key=lambda e: e.edition)
    status = 200
    if "a" in request.GET or "b" in request.GET:
        form = EditionDiffForm(request.GET, editions=oldest_first)
    elif len(oldest_first) >= 2:
        form = EditionDiffForm(
            {"a": oldest_first[-2].edition, "b": oldest_first[-1].edition},
            editions=oldest_first,
        )
    else:
        form = EditionDiffForm(editions=oldest_first)
    old = new = result = None
    if form.is_bound:
        if form.is_valid():
            old = by_number[form.cleaned_data["a"]]
            new = by_number[form.cleaned_data["b"]]
            result = selectors.edition_diff(old, new)
        else:
            status = 400
    return render(
        request,
        "standards/edition_diff.html",
        {
            "standard": standard,
            "form": form,
            "old": old,
            "new": new,
            "diff": result,
            "edition_count": len(oldest_first),
        },
        status=status,
    )


def cite_bibtex(request, pk):
    """The BibTeX entry of a public standard, as a file to download."""
    standard = _or_404(selectors.public_standard_editions, standard_id=pk)
    citation = citation_for(standard, _public_url(request, standard))
    response = HttpResponse(
        citation.bibtex(), content_type="text/x-bibtex; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{citation.key}.bib"'
    return response
