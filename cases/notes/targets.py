"""What a person may write a note about in a case: the household, and each child of theirs."""

from cases import policy
from cases.models import Part

HOUSEHOLD = "世帯全体"


def note_targets(user, case, access) -> list[tuple]:
    """Return what the person may write a note about: the household and/or each of their children."""
    targets = [("", HOUSEHOLD)] if policy.can_add_note(user, case, None, access) else []
    targets += [
        (c.id, c.name)
        for c in case.children
        if access.child_visible(Part.BASIC, c.id) and policy.can_add_note(user, case, c.id, access)
    ]
    return targets
