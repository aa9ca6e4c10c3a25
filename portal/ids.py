"""Ids from outside (URLs, query strings, forms, socket payloads) are hostile until they fit the database.

Every id column is an INTEGER (PostgreSQL: 32 bits); a number beyond it would crash the query
instead of finding nothing. The `id` URL converter matches only ids the database can hold, so any
other answers 404 like an id that does not exist; parse_id does the same for everything else.
"""

from flask import request
from werkzeug.routing import BaseConverter, ValidationError

MAX_ID = 2**31 - 1


def parse_id(value) -> int | None:
    """Return a positive id that the database can hold, or None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
        number = int(value)
    else:
        return None
    return number if 1 <= number <= MAX_ID else None


def arg_id(name: str) -> int | None:
    """Return an id from the query string, or None when it is missing or not one."""
    return parse_id(request.args.get(name))


def parse_int(value, low: int, high: int) -> int | None:
    """Return a whole number within [low, high] from a payload or form, or None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().lstrip("-").isascii() and value.strip().lstrip("-").isdigit():
        value = int(value.strip()) if len(value.strip()) <= 12 else None
    return value if isinstance(value, int) and low <= value <= high else None


def arg_page(name: str = "page") -> int:
    """Return a page number from the query string (1 when missing or out of any sensible range)."""
    return parse_int(request.args.get(name), 1, 1_000_000) or 1


class IdConverter(BaseConverter):
    """`<id:name>` in a route: a positive id the database can hold; any other value is not found."""

    regex = r"[1-9][0-9]{0,9}"

    def to_python(self, value: str) -> int:
        """Turn the matched digits into an id, or make the route not match (404)."""
        number = parse_id(value)
        if number is None:
            raise ValidationError()
        return number

    def to_url(self, value) -> str:
        """Write an id into a URL."""
        return str(int(value))
