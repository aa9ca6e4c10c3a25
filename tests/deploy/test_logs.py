"""Access and error logs name no child, guardian or case text, after case pages are viewed through nginx.

A coordinator searches the ledger for a child by name (the name is in the query string), opens
the case, its history and a page that does not exist, and adds a note; an instance is then
stopped so that nginx logs a failed upstream too. The logs of nginx and of both gunicorn
instances are read whole: the paths are there, the names, the note and the search are not.
"""

import urllib.parse

from flask import url_for

from tests.deploy.people import pinned
from tests.meetings.conftest import town

__all__ = ["town"]


def test_the_logs_name_no_child_guardian_or_case_text(stack, app, town):
    base = stack.nginx.url
    case = town.case
    with app.test_request_context():
        detail = url_for("cases.detail", case_id=case.id)
        history = url_for("cases.history", case_id=case.id)
        notes = url_for("cases.add_note", case_id=case.id)
    secrets = ["山本 はると", "やまもと", "山本 健", "山本 亜紀", "父親と面談した記録", case.case_number]
    person = pinned(base, f"127.0.0.1:{stack.portals[0].port}").log_in(town.coordinator)
    search = urllib.parse.urlencode({"q": "山本 はると"})
    assert person.get(f"/cases/?{search}")[0] == 200
    status, page = person.get(detail)
    assert status == 200 and "山本 はると" in page  # the page shows it; the logs must not
    assert person.get(history)[0] == 200
    assert person.get(f"{detail}/nothing-here?{search}")[0] == 404
    assert person.post(notes, {"body": "父親と面談した記録", "noted_on": ""}) in {200, 302, 400}

    stack.kill(stack.portals[0])  # nginx now fails over: its error log would name the request
    assert person.get(f"/cases/?{search}")[0] == 200

    logs = sorted(stack.folder.glob("portal-*.log")) + sorted((stack.folder / "nginx").glob("*.log"))
    text = "\n".join(log.read_text() for log in logs)
    assert detail in text, "the access logs were not written where expected"
    encoded = [urllib.parse.quote(s) for s in secrets] + [urllib.parse.quote_plus(s) for s in secrets]
    found = [s for s in secrets + encoded if s in text]
    assert found == [], f"the logs name {found}"
