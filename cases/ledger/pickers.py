"""How a case is named in a picker: its number with the children's names the person may see."""

from cases import policy
from cases.models import Case, Part
from portal.models import User


def case_labels(user: User, cases: list[Case]) -> dict[int, str]:
    """Return, per case id, "令和8-0015 山本 はると・山本 ゆい" (only the names the person may see)."""
    accesses = policy.access_map(user, cases)
    labels = {}
    for case in cases:
        access = accesses[case.id]
        names = [c.name for c in case.children if access.child_visible(Part.BASIC, c.id)]
        labels[case.id] = f"{case.case_number} {'・'.join(names)}".strip() if names else case.case_number
    return labels
