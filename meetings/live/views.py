"""The live room's page: the meeting as this person may see it, then kept current over the socket."""

from flask import render_template
from flask_login import login_required

from cases import codes
from meetings import access
from meetings.blueprint import bp
from meetings.live import payloads, presence
from meetings.models import MeetingStatus
from portal.gates import me


@bp.route("/<id:meeting_id>/live")
@login_required
def live_room(meeting_id: int):
    """Open the live room; the page follows the facilitator over the socket."""
    user = me()
    meeting = access.get_meeting_or_404(user, meeting_id)
    reader = payloads.Reader(user, meeting)
    state = payloads.full_state(reader, presence.present_users(meeting.id))
    members = meeting.council.members if reader.can_record else []
    return render_template(
        "meetings/live/live.html",
        meeting=meeting,
        state=state,
        agencies=[{"id": a.id, "name": a.name} for a in members],
        closure_reasons=list(codes.labels("closure_reason").items()) if reader.can_record else [],
        live_status=MeetingStatus,
    )
