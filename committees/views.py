from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from standards import lifecycle
from standards.selectors import public_standards_of_field

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
    return render(
        request,
        "committees/field.html",
        {"field": field, "standards": public_standards_of_field(field)},
    )


def members(request):
    return render(
        request,
        "committees/members.html",
        {"organisations": selectors.member_organisations()},
    )


def procedures(request):
    """The rules of procedure, and the lifecycle as the state machine
    enforces it (``standards.lifecycle``)."""
    states = lifecycle.states()
    labels = {code: label for code, label, _description in states}
    transitions = [
        {
            "name": t.name,
            "label": t.label,
            "who": t.who,
            "condition": t.condition,
            "target": t.target,
            "sources": [(code, labels[code]) for code in t.sources],
            "target_label": labels[t.target],
            "from_any": t.from_any,
        }
        for t in lifecycle.transitions()
    ]
    return render(
        request,
        "committees/procedures.html",
        {
            "steps": ProcedureStep.objects.all(),
            "states": states,
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
