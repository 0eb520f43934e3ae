"""A sample work plan for trying the portal out: target dates, a status and
milestones ("first draft", "expert review", "publication") for each item of
the seed, around today, so that the timeline shows work done, work under way,
overdue milestones and items at risk.

Called by ``load_demo`` (never in production) with its demo accounts. Made
through the services, as the leader and the demo deputy leader would in the
browser, so the items carry their history. An item that has dates or
milestones already is left as it is; running it again adds nothing.
"""

import datetime

from django.db.models import Q
from django.utils import timezone

from portal.public_cache import bump_public_version
from standards.models import Standard

from . import services
from .models import WorkItem

MILESTONES = (
    # title, Chinese title, due (days after the item's start; None: its end)
    ("First draft", "初稿", 120),
    ("Expert review", "专家评审", 270),
    ("Publication", "发布", None),
)
# Done before the others started; its milestones all reached.
FINISHED = "Formulation of Basic Standards for LLM"
# Behind their plan: a milestone not reached by its due date; the first two
# are marked at risk by their owner, the third not yet (the dashboard shows
# it for its overdue milestone).
BEHIND = {
    "Power Consumption LLM": WorkItem.Status.AT_RISK,
    "Security and Privacy Protection Standards for LLM": WorkItem.Status.AT_RISK,
    "Large-scale Code Generation": WorkItem.Status.ACTIVE,
}
MEDICAL_ITEM = "Medical LLM"
MEDICAL_FIELD = "Medical Field"


def _plan(position: int, title: str, today: datetime.date):
    """Start, end, status and milestones (title, Chinese, due, done on)."""
    day = datetime.timedelta(days=1)
    if title == FINISHED:
        start, end = today - 600 * day, today - 30 * day
    elif title in BEHIND:
        start, end = today - 400 * day, today + 200 * day
    else:
        start = today + (30 * position - 360) * day
        end = start + 540 * day
    milestones = []
    for name, name_zh, offset in MILESTONES:
        due = end if offset is None else start + offset * day
        done_on = None
        if due < today:
            done_on = min(due - 4 * day, today)
        milestones.append([name, name_zh, due, done_on])
    if title in BEHIND:
        # The last milestone due so far is not reached.
        past = [m for m in milestones if m[2] < today]
        if past:
            past[-1][3] = None
    if title == FINISHED:
        status = WorkItem.Status.DONE
    elif title in BEHIND:
        status = BEHIND[title]
    elif start > today:
        status = WorkItem.Status.PLANNED
    else:
        status = WorkItem.Status.ACTIVE
    return start, end, status, milestones


def load_sample_plan(users: dict) -> int:
    """Plan every item not planned yet; how many were planned."""
    leader = users["leader"]
    today = timezone.localdate()
    planned = 0
    items = WorkItem.objects.filter(start__isnull=True, end__isnull=True).exclude(
        milestones__isnull=False
    )
    for item in items.order_by("order"):
        start, end, status, milestones = _plan(item.order, item.title, today)
        # The demo deputy leader (of the Medical Field) plans their item.
        actor = users["deputy"] if item.title == MEDICAL_ITEM else leader
        services.work_item_update(
            work_item_id=item.pk, actor=actor, start=start, end=end, status=status
        )
        for name, name_zh, due, done_on in milestones:
            services.milestone_create(
                work_item_id=item.pk,
                actor=actor,
                title=name,
                title_zh=name_zh,
                due=due,
                done_on=done_on,
            )
        planned += 1
    _link_sample_standards()
    return planned


def _link_sample_standards() -> None:
    """The sample standards of the Medical Field belong to "Medical LLM", so
    that its progress shows them."""
    medical = WorkItem.objects.filter(title=MEDICAL_ITEM).first()
    if medical is None:
        return
    Standard.objects.filter(
        Q(field__name=MEDICAL_FIELD) | Q(field__parent__name=MEDICAL_FIELD),
        is_sample=True,
        work_item__isnull=True,
    ).update(work_item=medical)
    # A bulk update sends no signal: the public pages must see the link.
    bump_public_version()
