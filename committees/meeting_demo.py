"""Sample meetings for the demo (``load_demo``): a past meeting with
approved minutes, decisions and actions, and a planned one with an agenda.
Every sample meeting says "(sample)" in its title. Never run in production."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from standards.models import Standard
from workplan.models import WorkItem

from . import meeting_services as services
from .models import Meeting

PAST_TITLE = "Second Work Group Meeting (sample)"
NEXT_TITLE = "Third Work Group Meeting (sample)"


def _at(day, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0))


def load_sample_meetings(users: dict) -> int:
    """Create the sample meetings not there yet; how many were created."""
    leader, member = users["leader"], users["member"]
    owner = member.person.pk
    today = timezone.localdate()
    standard = Standard.objects.filter(has_edition=True).order_by("pk").first()
    work_item = WorkItem.objects.order_by("order").first()
    created = 0
    if not Meeting.objects.filter(title=PAST_TITLE).exists():
        with transaction.atomic():
            day = today - timedelta(days=45)
            meeting = services.meeting_create(
                actor=leader,
                title=PAST_TITLE,
                title_zh="第二次工作组会议（示例）",
                start=_at(day, 14),
                end=_at(day, 16),
                time_zone="Asia/Shanghai",
                place="Online",
                online_link="https://meet.example.org/llmswg-2",
                chair=leader.person.pk,
                quorum=1,
                invite=False,
            )
            item = services.agenda_item_add(
                meeting_id=meeting.pk,
                actor=leader,
                title="Progress of the work plan",
                title_zh="工作计划进展",
                work_item=work_item.pk if work_item else None,
                standard=standard.pk if standard else None,
            )
            services.meeting_hold(meeting_id=meeting.pk, actor=leader)
            services.attendance_set(
                meeting_id=meeting.pk,
                actor=leader,
                present=[leader.person.pk, owner],
                apologies=[users["auditor"].person.pk],
            )
            services.minutes_save(
                meeting_id=meeting.pk,
                actor=leader,
                minutes=(
                    "## Opening\n\nThe leader opened the meeting and welcomed "
                    "the members.\n\n## Progress of the work plan\n\nThe "
                    "deputy leaders reported on their items. The group agreed "
                    "to send the first drafts for expert review."
                ),
            )
            decision = services.decision_add(
                meeting_id=meeting.pk,
                actor=leader,
                text="The first drafts go to expert review.",
                text_zh="首批草案进入专家评审。",
                agenda_item=item.pk,
            )
            services.decision_add(
                meeting_id=meeting.pk,
                actor=leader,
                text="The next meeting is held online.",
                text_zh="下次会议在线上举行。",
            )
            services.action_add(
                meeting_id=meeting.pk,
                actor=leader,
                text="Circulate the first drafts to the experts.",
                owner=owner,
                due=today - timedelta(days=5),
                decision=decision.pk,
            )
            services.action_add(
                meeting_id=meeting.pk,
                actor=leader,
                text="Propose dates for the third meeting.",
                owner=leader.person.pk,
                due=today + timedelta(days=10),
            )
            services.minutes_approve(meeting_id=meeting.pk, actor=leader)
        created += 1
    if not Meeting.objects.filter(title=NEXT_TITLE).exists():
        with transaction.atomic():
            day = today + timedelta(days=30)
            meeting = services.meeting_create(
                actor=leader,
                title=NEXT_TITLE,
                title_zh="第三次工作组会议（示例）",
                start=_at(day, 14),
                end=_at(day, 16),
                time_zone="Asia/Shanghai",
                place="Online",
                online_link="https://meet.example.org/llmswg-3",
                chair=leader.person.pk,
                quorum=1,
                invite=False,
            )
            services.agenda_item_add(
                meeting_id=meeting.pk,
                actor=leader,
                title="Approval of the minutes of the second meeting",
                title_zh="批准第二次会议纪要",
            )
            services.agenda_item_add(
                meeting_id=meeting.pk,
                actor=leader,
                title="Expert review of the first drafts",
                title_zh="首批草案的专家评审",
                standard=standard.pk if standard else None,
            )
        created += 1
    return created
