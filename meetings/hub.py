"""The meeting page as the hub: the next steps of a meeting day, in the order a coordinator takes them.

Each step is one link (or one button) shown by the meeting's state and the person's role, so that the
agenda, the invitations, the live room, the attendance, the minutes and the 会議資料 are one click away.
"""

from dataclasses import dataclass

from flask import url_for

from meetings import access
from meetings.minutes import services as minutes
from meetings.minutes import word as minutes_word
from meetings.models import LEDGER_TIERS, Meeting, MeetingStatus, Tier
from portal.models import User


@dataclass
class Step:
    """One next step: what to do, where, whether it is a button (POST), done or the one to take now."""

    label: str
    url: str
    post: bool = False
    done: bool = False
    now: bool = False
    note: str = ""


def _url(endpoint: str, meeting: Meeting, anchor: str = "", **args) -> str:
    """Return a meeting page's address."""
    return url_for(f"meetings.{endpoint}", meeting_id=meeting.id, **args) + anchor


def runner_steps(meeting: Meeting) -> list[Step]:
    """Return a coordinator's steps: agenda, invitations, 会議資料, the live room, attendance, minutes."""
    status = MeetingStatus(meeting.status)
    found = minutes.minutes_of(meeting)
    latest = found.latest if found else None
    confirmed = found.confirmed if found else None
    answered = sum(i.response != "pending" for i in meeting.invitees)
    steps = [
        Step("議題を準備する", _url("detail", meeting, "#agenda"), done=bool(meeting.items)),
        Step(
            "招待と出欠の回答を確かめる",
            _url("detail", meeting, "#invitees"),
            done=bool(meeting.invitees) and answered == len(meeting.invitees),
            note=f"回答 {answered}/{len(meeting.invitees)}",
        ),
        Step("会議資料を配付する（機関ごとの配付番号）", _url("detail", meeting, "#documents")),
    ]
    if Tier(meeting.tier) in LEDGER_TIERS and not meeting.items and status == MeetingStatus.SCHEDULED:
        steps[0] = Step("台帳から議題を作る", _url("build_agenda", meeting), post=True)
    room = {
        MeetingStatus.SCHEDULED: "会議室を開いて会議を始める",
        MeetingStatus.LIVE: "会議室へ（開催中）",
        MeetingStatus.ENDED: "会議室の記録を見る",
    }[status]
    steps.append(Step(room, _url("live_room", meeting), done=status == MeetingStatus.ENDED))
    steps.append(
        Step("出席を記録する", _url("detail", meeting, "#attendance"), done=status == MeetingStatus.ENDED)
    )
    if status != MeetingStatus.ENDED:
        steps.append(Step("会議録（会議の終了後に作成）", _url("minutes_page", meeting)))
    elif latest is None:
        steps.append(Step("会議録の下書きを作成する", _url("minutes_draft", meeting), post=True))
    elif not latest.locked:
        steps.append(
            Step(f"会議録（第{latest.number}版の下書き）を編集して確定する", _url("minutes_page", meeting))
        )
    if confirmed is not None:
        steps.append(Step("確定した会議録の番号付きの写しを配付する", _url("detail", meeting, "#documents")))
    _mark_now(steps)
    return steps


def participant_steps(user: User, meeting: Meeting) -> list[Step]:
    """Return an invited person's steps: answer, the room, the agency's own 会議資料 and minutes."""
    status = MeetingStatus(meeting.status)
    invitation = access.invitation_of(user, meeting)
    steps = []
    if invitation is not None and status != MeetingStatus.ENDED:
        answered = invitation.response != "pending"
        steps.append(Step("出欠を回答する", _url("detail", meeting, "#answer"), done=answered))
    steps.append(Step("会議資料（貴機関の写し）", _url("packet_docx", meeting)))
    if status != MeetingStatus.ENDED:
        steps.append(Step("会議室に入る", _url("live_room", meeting)))
    found = minutes.minutes_of(meeting)
    if found is not None and found.confirmed is not None:
        steps.append(Step("確定した会議録を読む", _url("minutes_page", meeting)))
    _mark_now(steps)
    return steps


def _mark_now(steps: list[Step]) -> None:
    """Mark the first step not yet done as the one to take now."""
    for step in steps:
        if not step.done:
            step.now = True
            return


def steps_for(user: User, meeting: Meeting) -> list[Step]:
    """Return the person's next steps for the meeting."""
    return runner_steps(meeting) if access.can_run(user, meeting) else participant_steps(user, meeting)


def documents(meeting: Meeting) -> list[dict]:
    """Return the numbered copies (配付番号, agency, its 会議資料 and 会議録 addresses) for a coordinator."""
    found = minutes.minutes_of(meeting)
    version = found.latest if found else None
    rows = []
    for number, agency in enumerate(minutes_word.recipients(meeting), start=1):
        rows.append(
            {
                "number": number,
                "agency": agency,
                "packet": _url("packet_docx", meeting, agency=agency.id),
                "minutes": _url("minutes_docx", meeting, agency=agency.id) if version else "",
            }
        )
    return rows
