from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from committees.selectors import user_roles
from portal.naming import portal_name


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url: str
    current: bool = False
    # The person's own work (my work, drafts, review), set apart from the
    # public sections.
    work: bool = False


# The public sections: (key, label, URL name), in the order of the bar.
PUBLIC_SECTIONS = (
    ("home", _("Home"), "home"),
    ("standards", _("Standards"), "standards:catalogue"),
    ("committees", _("Committees"), "committees:committees"),
    ("members", _("Members"), "committees:members"),
    ("workplan", _("Work plan"), "workplan:index"),
    ("procedures", _("Procedures"), "committees:procedures"),
    ("qms", _("QMS"), "qms:index"),
    ("meetings", _("Meetings"), "committees:meetings"),
)

# The pages of the public catalogue; every other page of the standards app
# is someone's work (a draft's working page, its diff, a new draft).
CATALOGUE_PAGES = {"catalogue", "detail", "edition_diff", "cite_bibtex"}
SECTION_OF_PAGE = {
    ("", "home"): "home",
    ("committees", "committees"): "committees",
    ("committees", "field"): "committees",
    ("committees", "members"): "members",
    ("committees", "procedures"): "procedures",
    ("committees", "meetings"): "meetings",
    ("committees", "meeting"): "meetings",
    ("standards", "review"): "review",
    ("standards", "dashboard"): "dashboard",
}
SECTION_OF_NAMESPACE = {
    "workplan": "workplan",
    "qms": "qms",
    "catalogue": "standards",
    "standards_pdf": "standards",
}


def current_section(match) -> str:
    """The section a page belongs to ("working" for the pages of someone's
    work on a draft); "" for a page of none (profile, notifications, an
    address that matched nothing)."""
    if match is None:
        return ""
    namespace, name = match.namespace, match.url_name
    if (namespace, name) in SECTION_OF_PAGE:
        return SECTION_OF_PAGE[(namespace, name)]
    if namespace == "standards":
        return "standards" if name in CATALOGUE_PAGES else "working"
    return SECTION_OF_NAMESPACE.get(namespace, "")


def work_items(user) -> list[tuple[str, str, str]]:
    """The links to their own work a person may use: "My work" for every
    signed-in person, "Drafts" when the drafts page has something for them,
    "Review" when they have a review queue (the rules of those pages,
    asked of ``standards.workspace``)."""
    if user is None or not user.is_authenticated:
        return []
    from standards import workspace

    items = [("dashboard", _("My work"), "standards:dashboard")]
    if workspace.has_drafts_page(user):
        items.append(("drafts", _("Drafts"), "standards:drafts"))
    if workspace.has_review_queue(user):
        items.append(("review", _("Review"), "standards:review"))
    return items


def navigation(request) -> list[NavItem]:
    """The links of the navigation bar for this person on this page, with
    the current section marked: decided once, here."""
    user = getattr(request, "user", None)
    work = work_items(user)
    section = current_section(getattr(request, "resolver_match", None))
    if section == "working":
        # A draft's pages belong to the drafts for those who have them, to
        # the review queue for reviewers, to "My work" for anyone else.
        keys = [key for key, _label, _name in work]
        section = next(
            (key for key in ("drafts", "review", "dashboard") if key in keys), ""
        )
    return [
        NavItem(key, label, reverse(name), current=key == section)
        for key, label, name in PUBLIC_SECTIONS
    ] + [
        NavItem(key, label, reverse(name), current=key == section, work=True)
        for key, label, name in work
    ]


def account_name(user) -> str:
    """The name the header gives the signed-in person. The roles first: they
    keep the person the name is read from (one query fewer than asking for
    the person, then the roles)."""
    from committees.models import Person
    from committees.selectors import display_name

    if user_roles(user).person_id is None and user.is_authenticated:
        # No person: tell the accessor too, so that the header asking for
        # ``user.person`` costs no further query.
        Person.user.field.remote_field.set_cached_value(user, None)
    return display_name(user)


def portal(request):
    user = getattr(request, "user", None)
    return {
        "PORTAL_NAME": portal_name(),
        # Few templates read the roles: look them up only when one does.
        "roles": SimpleLazyObject(lambda: user_roles(user)),
        # Every page of the site reads it; the API and feeds do not.
        "nav_items": SimpleLazyObject(lambda: navigation(request)),
        "account_name": SimpleLazyObject(lambda: account_name(user)),
    }
