"""Notices to people (in the portal, and by mail when SMTP is configured), through one registered sender.

The reports feature keeps the notices (reports.board: Notification and mail) and registers the sender
at start-up; other features, such as meetings, send through here without importing reports. With no
sender registered nothing is sent.
"""

from collections.abc import Callable
from dataclasses import dataclass

from portal.models import User


@dataclass(frozen=True)
class Notice:
    """One notice: its kind, title, body (plain text) and the portal page it points to."""

    kind: str
    title: str
    body: str
    link: str = ""


Sender = Callable[[list[User], Notice, User | None], int]
_senders: list[Sender] = []


def register(sender: Sender) -> None:
    """Set the sender (once; a new app replaces the old one)."""
    _senders[:] = [sender]


def send(people: list[User], notice: Notice, by: User | None = None) -> int:
    """Notify these active people (in the caller's transaction); return how many were emailed."""
    people = [p for p in people if p.active]
    return sum(sender(people, notice, by) for sender in _senders) if people else 0
