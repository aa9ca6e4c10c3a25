"""`flask intake check-overdue`: raise the alarms of overdue 48-hour checks (run it from cron)."""

import click
from flask import current_app

from cases import signals
from cases.intake import safety


@click.group("intake")
def intake_group():
    """Work with intake (受付) and the 48-hour safety check."""


@intake_group.command("check-overdue")
def check_overdue():
    """Raise one alarm for each 48-hour check that became overdue since the last run."""
    handles = safety.raise_overdue_alarms(None)
    # The live notices carry the portal's own (relative) links, built as in a request.
    with current_app.test_request_context("/"):
        signals.announce_alarms(handles)
    click.echo(f"期限を過ぎた安全確認: 新たに{len(handles)}件のアラートを出しました。")
