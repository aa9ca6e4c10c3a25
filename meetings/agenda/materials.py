"""Materials (会議資料) a feature above meetings attaches to a meeting's agenda, such as the year's
figures for the 代表者会議; meetings imports no such feature, the feature registers a provider here."""

from collections.abc import Callable
from dataclasses import dataclass

from meetings.models import Meeting
from portal.models import User


@dataclass(frozen=True)
class Material:
    """One attached material: what it is, and where the person may open it."""

    title: str
    url: str
    kind: str = "page"


# A provider returns the materials of a meeting this person may open (none for others).
Provider = Callable[[User, Meeting], list[Material]]
_providers: list[Provider] = []


def register_material(provider: Provider) -> None:
    """Add a provider of materials (once)."""
    if provider not in _providers:
        _providers.append(provider)


def materials_for(user: User, meeting: Meeting) -> list[Material]:
    """Return every material attached to the meeting's agenda that this person may open."""
    return [material for provider in _providers for material in provider(user, meeting)]
