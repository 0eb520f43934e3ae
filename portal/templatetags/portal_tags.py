from django import template
from django.db.models import Count, Q

from portal.markdown import render_markdown
from portal.public_cache import cached_public

register = template.Library()


@register.filter(is_safe=True)
def markdown(text):
    """``{{ text|markdown }}``: Markdown rendered and sanitised, its headings
    one level below the page's own title."""
    return render_markdown(text, shift_headings=1)


@register.simple_tag
def portal_figures():
    """Headline figures of the working group, for the home page.

    Sample people (``load_demo``) are left out: the figures describe the real
    working group. Kept in the public cache until the public data changes
    (counting the published standards reads them all).
    """
    return cached_public("portal-figures", (), _portal_figures)


def _portal_figures():
    from committees.models import Field, Organisation, Role
    from standards.models import Standard
    from workplan.models import WorkItem

    fields = Field.objects.aggregate(
        fields=Count("pk", filter=Q(parent__isnull=True)),
        subfields=Count("pk", filter=Q(parent__isnull=False)),
    )
    return {
        "members": Organisation.objects.filter(is_member=True).count(),
        "fields": fields["fields"],
        "subfields": fields["subfields"],
        "deputy_leaders": Role.objects.current()
        .filter(kind=Role.Kind.DEPUTY_LEADER, person__is_sample=False)
        .values("person")
        .distinct()
        .count(),
        "work_items": WorkItem.objects.count(),
        # In force, under renewal or not: as the catalogue, the dashboard
        # and the API's ``status=published`` count them.
        "published_standards": Standard.objects.published().count(),
    }


@register.simple_tag
def latest_publications(limit=5):
    """The latest edition of each public standard, newest first: in force,
    or withdrawn when its standard was abolished (the template shows each
    one's public status)."""
    from standards.models import Edition

    return cached_public(
        "latest-publications",
        (limit,),
        lambda: list(
            Edition.objects.filter(
                superseded_on__isnull=True, standard__has_edition=True
            )
            .select_related("standard")
            .order_by("-published_on", "-pk")[:limit]
        ),
    )


@register.simple_tag
def api_problems():
    """The API's problem types (code, status, title, explanation), for the
    documentation page their ``type`` URIs point to."""
    from portal.api_http import PROBLEM_EXPLANATIONS, PROBLEMS

    return [
        (code, status, title, PROBLEM_EXPLANATIONS[code])
        for code, (status, title) in PROBLEMS.items()
    ]
