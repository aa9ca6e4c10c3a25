"""Notices of meetings: an invitation reaches the invited people, a task the agency given it.

Sent through portal.notices (an in-portal notice, and mail when SMTP is configured), in the caller's
transaction. A notice names the meeting and a case by its number only, never a child: the full
page shows what the policy lets each reader see.
"""

from cases import policy
from meetings.models import Invitee, Meeting, RoleAssignment
from portal import notices
from portal.dates import wareki, wareki_datetime
from portal.models import Agency, User


def _people(agency: Agency) -> list[User]:
    """Return the agency's active people who may see case data (they take part in meetings)."""
    return [p for p in agency.people if p.active and policy.holds_case_role(p)]


def invitations(by: User, meeting: Meeting, invitees: list[Invitee]) -> int:
    """Tell each new invitee (a person, or every case-role person of an invited agency)."""
    people: dict[int, User] = {}
    for invitee in invitees:
        for person in [invitee.user] if invitee.user else _people(invitee.agency):
            people[person.id] = person
    notice = notices.Notice(
        kind="meeting",
        title=f"会議への招待：{meeting}",
        body=f"{wareki_datetime(meeting.starts_at)}　{meeting.place or '場所は会議のページをご覧ください'}\n"
        "会議のページで出欠を回答してください。",
        link=f"/meetings/{meeting.id}",
    )
    return notices.send(list(people.values()), notice, by)


def task(by: User, meeting: Meeting, row: RoleAssignment) -> int:
    """Tell the agency given a task (役割分担) what it is and by when."""
    case = f"ケース {row.case.case_number}　" if row.case else ""
    due = f"　期限 {wareki(row.due_on)}" if row.due_on else ""
    notice = notices.Notice(
        kind="task",
        title=f"会議で役割が決まりました：{meeting}",
        body=f"{case}{row.task}{due}\nホームの「会議で決まった役割」から完了にできます。",
        link="/",
    )
    return notices.send(_people(row.agency), notice, by)
