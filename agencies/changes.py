"""What every administration change shares: audited refusals, before/after audit details, saving safely.

Services take plain values (model attribute names mapped to values, related objects already
loaded) and check everything before touching a row, so refused input leaves the session clean.
The audit detail of a change holds {"field": [before, after]}; objects appear by name, password
hashes never appear.
"""

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import NoReturn

from portal import audit
from portal.audit import Outcome
from portal.extensions import db
from portal.models import User
from portal.refusals import Refusal
from portal.transaction import in_transaction, transaction

PER_PAGE = 50

NAME_TAKEN = "この名称はすでに登録されています。"
CONFLICT = "同時に別の変更が保存されたため、保存できませんでした。もう一度お試しください。"


def plain(value):
    """Return a value as the audit log stores it: objects by name, collections sorted."""
    if isinstance(value, set | list | tuple):
        return sorted(plain(v) for v in value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, db.Model):
        return str(value)
    return value


def diff(obj, values: dict) -> dict:
    """Return {field: [before, after]} for each value that differs from the object's."""
    changes = {}
    for field, after in values.items():
        before = plain(getattr(obj, field))
        if before != plain(after):
            changes[field] = [before, plain(after)]
    return changes


def created(values: dict) -> dict:
    """Return the audit detail of a new object: {field: [None, value]} for each value given."""
    return {f: [None, plain(v)] for f, v in values.items() if v is not None and v != "" and v != []}


@contextmanager
def saving(field: str, message: str = NAME_TAKEN) -> Iterator[None]:
    """Save the change with its audit row in one transaction; both roll back when another took the name."""
    with transaction(on_conflict=Refusal(errors={field: [message]})):
        yield


def refuse(actor: User, target, action: str, detail: dict, message: str, reason: str = "self") -> NoReturn:
    """Audit a change the actor may not make, save the audit row alone, and raise.

    Called before any change of the operation is made, outside any transaction, so the denial's
    audit row is saved even though the operation is not.
    """
    assert not in_transaction(), "an audited refusal must not ride in the refused transaction"
    detail = {**detail, "reason": reason}
    with transaction():
        audit.record(action, actor=actor, target=target, outcome=Outcome.DENIED, detail=detail)
    raise Refusal(message)
