from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import Field, Meeting, ProcedureStep, Role


def committees(request):
    return render(
        request,
        "committees/committees.html",
        {"leaders": selectors.leaders(), "fields": selectors.field_tree()},
    )


def field_detail(request, slug):
    deputies = Prefetch(
        "roles",
        queryset=Role.objects.current()
        .filter(kind=Role.Kind.DEPUTY_LEADER)
        .select_related("person__organisation"),
        to_attr="deputy_roles",
    )
    field = get_object_or_404(
        Field.objects.select_related("parent").prefetch_related(
            deputies,
            Prefetch("subfields", queryset=Field.objects.prefetch_related(deputies)),
            "work_items",
        ),
        slug=slug,
    )
    return render(request, "committees/field.html", {"field": field})


def members(request):
    return render(
        request,
        "committees/members.html",
        {"organisations": selectors.member_organisations()},
    )


# The lifecycle of a standard (DESIGN.md), shown on the procedures page. The
# state machine itself is enforced in standards.models; this is its description.
LIFECYCLE_STATES = (
    ("draft", _("Draft"), _("The draft is written and revised by its authors.")),
    (
        "expert_review",
        _("Expert review"),
        _("Assigned experts comment on the current version and recommend."),
    ),
    ("audit", _("Audit"), _("An auditor checks the reviewed draft.")),
    ("certified", _("Certified"), _("The audit passed; awaiting publication.")),
    (
        "published",
        _("Published"),
        _("In force as a numbered edition, reviewed periodically."),
    ),
    ("abolished", _("Abolished"), _("Withdrawn; optionally replaced by another.")),
)

LIFECYCLE_TRANSITIONS = (
    {
        "name": "submit",
        "label": _("Submit"),
        "source": ("draft",),
        "target": "expert_review",
        "who": _("A member representative of the submitting organisation"),
        "condition": _("At least one version; title, scope and field set."),
    },
    {
        "name": "request_changes",
        "label": _("Request changes"),
        "source": ("expert_review",),
        "target": "draft",
        "who": _(
            "A deputy leader of the draft's field (or its parent field), the leader"
        ),
        "condition": _("A comment is required."),
    },
    {
        "name": "advance_to_audit",
        "label": _("Advance to audit"),
        "source": ("expert_review",),
        "target": "audit",
        "who": _("A deputy leader of the field, the leader"),
        "condition": _(
            "Enough expert recommendations on the current version, none to "
            "reject, and every comment answered."
        ),
    },
    {
        "name": "fail_audit",
        "label": _("Fail audit"),
        "source": ("audit",),
        "target": "draft",
        "who": _("An auditor, the leader"),
        "condition": _("Findings are required."),
    },
    {
        "name": "certify",
        "label": _("Certify"),
        "source": ("audit",),
        "target": "certified",
        "who": _("An auditor, the leader"),
        "condition": None,
    },
    {
        "name": "publish",
        "label": _("Publish"),
        "source": ("certified",),
        "target": "published",
        "who": _("The leader"),
        "condition": _(
            "Assigns the number at first publication, creates an edition with its "
            "PDF and sets the date of the next review."
        ),
    },
    {
        "name": "start_renewal",
        "label": _("Start renewal"),
        "source": ("published",),
        "target": "draft",
        "who": _("A deputy leader of the field, the leader"),
        "condition": _(
            "The edition in force stays public until the next edition is published."
        ),
    },
    {
        "name": "reaffirm",
        "label": _("Reaffirm"),
        "source": ("published",),
        "target": "published",
        "who": _("A deputy leader of the field, the leader"),
        "condition": _(
            "A systematic review confirms the standard; the review date moves on."
        ),
    },
    {
        "name": "abolish",
        "label": _("Abolish"),
        "source": ("draft", "expert_review", "audit", "certified", "published"),
        "target": "abolished",
        "who": _("The leader"),
        "condition": _(
            "A reason is required; optionally the standard that replaces it."
        ),
    },
)


def procedures(request):
    labels = {code: label for code, label, _description in LIFECYCLE_STATES}
    transitions = [
        {
            **transition,
            "sources": [(code, labels[code]) for code in transition["source"]],
            "target_label": labels[transition["target"]],
            "from_any": len(transition["source"]) == len(LIFECYCLE_STATES) - 1,
        }
        for transition in LIFECYCLE_TRANSITIONS
    ]
    return render(
        request,
        "committees/procedures.html",
        {
            "steps": ProcedureStep.objects.all(),
            "states": LIFECYCLE_STATES,
            "transitions": transitions,
        },
    )


def meetings(request):
    return render(
        request, "committees/meetings.html", {"meetings": Meeting.objects.all()}
    )


def meeting_detail(request, slug):
    meeting = get_object_or_404(
        Meeting.objects.prefetch_related(
            "attendees__organisation", "action_items__owner"
        ),
        slug=slug,
    )
    return render(request, "committees/meeting.html", {"meeting": meeting})
