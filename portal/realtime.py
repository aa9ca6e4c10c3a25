"""Live notifications over Socket.IO: authenticated connections, a room per person and per agency.

The server alone decides which rooms a connection joins (the client names none), from the
Flask-Login session of the handshake. Features send with `notify_users`, which builds each
payload for its recipient, so nobody receives what their own access would not show them.
Services never emit; views (or socket handlers) call these helpers after the commit.

With several processes (REDIS_URL), every message goes through Redis to the process that serves the
page; so does closing a person's connections, which each process can only do for its own.
"""

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from flask import Flask, current_app, session
from flask_login import current_user
from flask_socketio import join_room
from socketio import RedisManager
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from portal import transaction
from portal.auth import two_factor
from portal.extensions import db, socketio
from portal.models import User
from portal.refusals import Refusal

DEFAULT_NAMESPACE = "/"

# Builds one recipient's payload; None sends that person nothing.
PayloadBuilder = Callable[[User], dict | None]

# Sent through the message queue like an event, but never to a page: each process that receives it
# closes the connections it serves in the room named.
CLOSE_CONNECTIONS = "portal:close-connections"


class MessageQueue(RedisManager):
    """The Redis message queue, also carrying "close this person's connections" to every process."""

    def _handle_emit(self, message):
        """Close this process's connections in the room for a close notice; deliver any other event."""
        if message.get("event") == CLOSE_CONNECTIONS:
            # Only ever one person's room: a notice without one must not close everybody's pages.
            room = message.get("room")
            if isinstance(room, str) and room.startswith("user:"):
                _close_connections(self.server, room)
        else:
            super()._handle_emit(message)


def user_room(user_id: int) -> str:
    """Return the room of one person's open pages."""
    return f"user:{user_id}"


def agency_room(agency_id: int) -> str:
    """Return the room of every open page of an agency's people."""
    return f"agency:{agency_id}"


def session_is_live() -> bool:
    """Tell whether the handshake's session is a current, non-idle login without a pending password."""
    if not current_user.is_authenticated or not current_user.is_active:
        return False
    if current_user.must_change_password or two_factor.missing(current_user):
        return False
    last_seen = session.get("last_seen")
    idle = current_app.config["IDLE_TIMEOUT"].total_seconds()
    # As in sessions.before_request: a session without a last request yet has just logged in.
    return last_seen is None or datetime.now(UTC).timestamp() - last_seen <= idle


def on_connect(auth=None):
    """Accept a logged-in person and put the connection in their rooms; refuse anyone else."""
    if not session_is_live():
        return False
    user = current_user._get_current_object()
    join_room(user_room(user.id))
    join_room(agency_room(user.agency_id))
    return True


# What a socket event answers when the policy hides the object or forbids the action: the pages'
# 404 and 403, said in the acknowledgement (an object the person may not see is only "not found").
NOT_FOUND = "見つかりません。"
NOT_ALLOWED = "この操作はできません。"
FAILED = "処理できませんでした。画面を開き直してから、もう一度お試しください。"


def refused(error: Exception) -> dict:
    """Return the acknowledgement of an event a rule refused (its messages) or the policy stopped."""
    transaction.discard()
    if isinstance(error, Refusal):
        return {"ok": False, "errors": error.messages}
    if isinstance(error, HTTPException) and error.code == 404:
        return {"ok": False, "errors": [NOT_FOUND]}
    return {"ok": False, "errors": [NOT_ALLOWED]}


def failed(error: Exception) -> dict:
    """Answer an event whose handler failed unexpectedly: logged, rolled back, told in Japanese."""
    current_app.logger.exception("会議室のイベントの処理に失敗しました", exc_info=error)
    transaction.discard()
    return {"ok": False, "errors": [FAILED]}


def init_app(app: Flask) -> None:
    """Attach the connection handler to this app's Socket.IO server."""
    # The extension makes a new server for each app; with a server in place, on_event adds the
    # handler to that server only, so creating several apps (tests) does not stack handlers.
    socketio.on_event("connect", on_connect, namespace=DEFAULT_NAMESPACE)
    socketio.on_error(DEFAULT_NAMESPACE)(failed)
    made = socketio.server.manager
    if type(made) is RedisManager:
        # Flask-SocketIO made the plain queue from SOCKETIO_MESSAGE_QUEUE; put ours in its place
        # before the first connection starts its listener (it has not connected to Redis yet).
        queue = MessageQueue(made.redis_url, channel=made.channel, redis_options=made.redis_options)
        queue.set_server(socketio.server)
        socketio.server.manager = queue


def notify_users(user_ids: Iterable[int], event: str, payload_builder: PayloadBuilder) -> int:
    """Send `event` to each active person's open pages, with a payload built for them; return how many."""
    ids = sorted(set(user_ids))
    if not ids:
        return 0
    users = db.session.scalars(select(User).where(User.id.in_(ids), User.active)).all()
    sent = 0
    for user in users:
        payload = payload_builder(user)
        if payload is None:
            continue
        socketio.emit(event, payload, to=user_room(user.id), namespace=DEFAULT_NAMESPACE)
        sent += 1
    return sent


def agency_user_ids(agency_ids: Iterable[int]) -> list[int]:
    """Return the active people of the agencies (to notify them one by one)."""
    ids = sorted(set(agency_ids))
    if not ids:
        return []
    return list(db.session.scalars(select(User.id).where(User.agency_id.in_(ids), User.active)))


def disconnect_user(user_id: int) -> None:
    """Close every open connection of a person (after logout, a password change or disabling).

    Features with a namespace of their own (the live meeting room) put each connection in the
    person's room of that namespace too, so one call closes them all. With a message queue the
    connections may be served by other processes: each closes its own when the notice reaches it.
    """
    server = socketio.server
    if server is None:
        return
    if isinstance(server.manager, MessageQueue):
        server.emit(CLOSE_CONNECTIONS, None, to=user_room(user_id), namespace=DEFAULT_NAMESPACE)
    else:
        _close_connections(server, user_room(user_id))


def _close_connections(server, room: str) -> None:
    """Close the connections this process serves in the room, in every namespace."""
    for namespace in list(server.manager.get_namespaces()):
        participants = list(server.manager.get_participants(namespace, room))
        for entry in participants:
            sid = entry[0] if isinstance(entry, tuple) else entry
            server.disconnect(sid, namespace=namespace, ignore_queue=True)
