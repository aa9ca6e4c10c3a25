"""The one way features save: `with transaction():` commits at the outermost level, rolls back on error.

Services open a transaction around each operation and write its audit row inside it, so a change and
its audit row are saved together or not at all. A service that calls another (registering a case
adds its involvements) nests: the inner block joins the outer one and commits nothing. Views, forms
and socket handlers never commit or roll back; an error page rolls back what a failed request left.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.refusals import Refusal

_DEPTH = "portal.transaction.depth"
_INNER_FAILED = "portal.transaction.inner_failed"


class InnerFailure(RuntimeError):
    """An inner block failed and its error was caught inside the outer one; nothing was saved."""


@contextmanager
def transaction(*, keep_loaded: bool = False, on_conflict: Refusal | None = None) -> Iterator[None]:
    """Run the block as one transaction: the outermost block commits, any error rolls it all back.

    `keep_loaded` keeps the objects of the block loaded after the commit, so a page shows exactly
    the rows its audit row records without reloading each of them (and their relations) one by one.
    `on_conflict` is raised instead when the database refuses the change because another save just
    took the same name or number (a unique constraint): the person is told to try again.
    """
    session = db.session()
    depth = session.info.get(_DEPTH, 0)
    session.info[_DEPTH] = depth + 1
    try:
        yield
        if depth == 0:
            if session.info.pop(_INNER_FAILED, False):
                # Saving now would keep half of the failed inner operation.
                raise InnerFailure("an inner transaction failed and its error was swallowed")
            _commit(session, keep_loaded)
    except BaseException as error:
        if depth == 0:
            session.info.pop(_INNER_FAILED, None)
            session.rollback()
            if on_conflict is not None and isinstance(error, IntegrityError):
                raise on_conflict from error
        else:
            session.info[_INNER_FAILED] = True
        raise
    finally:
        session.info[_DEPTH] = depth


def in_transaction() -> bool:
    """Tell whether a `transaction()` block is open (an audited denial must not ride in one)."""
    return db.session().info.get(_DEPTH, 0) > 0


def discard() -> None:
    """Roll back whatever a failed request or socket event left in the session (the shell's error paths)."""
    session = db.session()
    session.info.pop(_INNER_FAILED, None)
    session.rollback()


def _commit(session, keep_loaded: bool) -> None:
    """Commit; with keep_loaded, without expiring what the session holds."""
    if not keep_loaded:
        session.commit()
        return
    keep, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = keep
