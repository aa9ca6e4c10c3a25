"""Socket event payloads, checked by shape and range before any handler uses them.

A page sends what its script builds, but a hostile page can send anything: no payload, a string, a
list, ids too large for the database, text of any length. Each event declares the fields it reads;
`parse` returns exactly those, converted, or refuses with one Japanese message.
"""

from dataclasses import dataclass
from datetime import date

from portal.ids import parse_id, parse_int
from portal.refusals import Refusal

BAD_PAYLOAD = "送信された内容が正しくありません。画面を開き直してから、もう一度お試しください。"


@dataclass(frozen=True)
class Field:
    """One field of a payload: its kind, whether it must be there, and its bounds."""

    kind: str  # "id", "int", "text", "date"
    required: bool = False
    max_length: int = 0  # text
    low: int = 0  # int
    high: int = 0  # int


def ident(required: bool = True) -> Field:
    """An id the database can hold."""
    return Field("id", required)


def number(low: int, high: int, required: bool = False) -> Field:
    """A whole number within bounds."""
    return Field("int", required, low=low, high=high)


def text(max_length: int, required: bool = False) -> Field:
    """A string of at most max_length characters."""
    return Field("text", required, max_length=max_length)


def day(required: bool = False) -> Field:
    """An ISO date (YYYY-MM-DD)."""
    return Field("date", required)


def parse(data, spec: dict[str, Field]) -> dict:
    """Return the payload's declared fields, converted (an absent optional one is None); refuse the rest."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise Refusal(BAD_PAYLOAD)
    parsed = {}
    for name, field in spec.items():
        raw = data.get(name)
        if raw is None or raw == "":
            if field.required:
                raise Refusal(BAD_PAYLOAD)
            parsed[name] = "" if field.kind == "text" else None
            continue
        parsed[name] = _convert(raw, field)
    return parsed


def _convert(raw, field: Field):
    """Convert one present value, or refuse it."""
    if field.kind == "id":
        value = parse_id(raw)
    elif field.kind == "int":
        value = parse_int(raw, field.low, field.high)
    elif field.kind == "text":
        value = raw if isinstance(raw, str) and len(raw) <= field.max_length else None
    else:
        value = _date(raw)
    if value is None:
        raise Refusal(BAD_PAYLOAD)
    return value


def _date(raw) -> date | None:
    """Parse an ISO date, or None."""
    if not isinstance(raw, str) or len(raw) != 10:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None
