"""First checks of the policy on the 山本 household."""

from cases import policy
from cases.models import Part


def test_story_visibility(town):
    case = town.case
    teacher = policy.access_for(town.teacher, case)
    assert teacher.can(Part.BASIC) and teacher.child_visible(Part.BASIC, town.haruto.id)
    assert not teacher.child_visible(Part.NOTES, town.yui.id)
    assert not teacher.can(Part.PLAN)
    head = policy.access_for(town.nursery_head, case)
    assert head.child_visible(Part.REPORTS, town.yui.id) and not head.child_visible(
        Part.REPORTS, town.haruto.id
    )
    assert policy.access_for(town.caseworker, case).whole(Part.NOTES)
    assert policy.access_for(town.coordinator, case).full
    for outsider in (
        town.doctor,
        town.other_teacher,
        town.admin,
        town.auditor,
        town.other_coordinator,
        town.center_nurse,
    ):
        assert not policy.access_for(outsider, case).any
