"""People and meetings for the meeting tests."""

from datetime import datetime
from zoneinfo import ZoneInfo

from committees import meeting_services as services
from committees.models import Meeting, Role
from tests.factories import OrganisationFactory, UserFactory, user_with_role

BEIJING = ZoneInfo("Asia/Shanghai")


class People:
    """The secretariat, the leader, a member representative and a reader."""

    def __init__(self):
        self.organisation = OrganisationFactory(is_member=True, name="Member Org")
        self.secretariat = user_with_role(
            Role.Kind.SECRETARIAT, username="mt-secretariat"
        )
        self.leader = user_with_role(Role.Kind.LEADER, username="mt-leader")
        self.member = user_with_role(
            Role.Kind.MEMBER_REPRESENTATIVE,
            organisation=self.organisation,
            username="mt-member",
        )
        self.member.email = "member@example.org"
        self.member.save()
        self.reader = UserFactory(username="mt-reader")

    def person(self, user):
        return user.person


def plan(people, **overrides) -> Meeting:
    values = {
        "actor": people.secretariat,
        "title": "Second Work Group Meeting",
        "start": datetime(2025, 3, 6, 14, 0),
        "end": datetime(2025, 3, 6, 16, 0),
        "time_zone": "Asia/Shanghai",
        "place": "Room 301, Beijing",
        "online_link": "https://meet.example.org/wg2",
        "invite": False,
    }
    values.update(overrides)
    return services.meeting_create(**values)


def held(people, **overrides) -> Meeting:
    meeting = plan(people, **overrides)
    return services.meeting_hold(meeting_id=meeting.pk, actor=people.secretariat)
