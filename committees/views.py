from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from standards import lifecycle
from standards.selectors import public_standards_of_field

from . import selectors
from .models import Field, Organisation, ProcedureStep, Role


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


def organisation(request, slug):
    """A member organisation: its representatives, its published standards
    and its QMS status (``qms.selectors.organisation_qms``)."""
    from qms.selectors import organisation_qms
    from standards.permissions import public_record_standards

    organisation = get_object_or_404(Organisation, slug=slug)
    representatives = (
        Role.objects.current()
        .filter(kind=Role.Kind.MEMBER_REPRESENTATIVE, organisation=organisation)
        .select_related("person")
    )
    standards = (
        public_record_standards()
        .filter(organisation=organisation)
        .select_related("field")
        .order_by("number")
    )
    return render(
        request,
        "committees/organisation.html",
        {
            "organisation": organisation,
            "representatives": representatives,
            "standards": standards,
            "qms": organisation_qms(organisation=organisation, user=request.user),
        },
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
