"""Flask commands of the shell: audit verification, the first administrator, backup and restore."""

from datetime import datetime
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import select

from portal import audit, backup
from portal.extensions import db
from portal.models import Agency, AgencyKind, Role, User, UserRole
from portal.passwords import hash_password, password_problems
from portal.transaction import transaction


def register(app: Flask) -> None:
    """Attach the commands to the app."""
    app.cli.add_command(audit_group)
    app.cli.add_command(create_admin)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


@click.group("audit")
def audit_group():
    """Work with the audit log."""


@audit_group.command("verify")
def audit_verify():
    """Check that no audit row was altered or removed since it was written."""
    checked, problems = audit.verify_chain()
    if not problems:
        click.echo(f"監査ログは正常です（{checked}行を検証しました）。")
        return
    for problem in problems:
        click.echo(f"行 {problem.seq}: {problem.reason}", err=True)
    click.echo(f"監査ログに{len(problems)}件の異常があります（{checked}行を検証しました）。", err=True)
    raise SystemExit(1)


@click.command("create-admin")
@click.argument("login_id")
@click.argument("name")
@click.option("--agency", default="システム管理", help="所属（なければ作成）")
@click.password_option(prompt="初期パスワード")
def create_admin(login_id: str, name: str, agency: str, password: str):
    """Create a system administrator who must change the password at first login."""
    problems = create_admin_account(login_id, name, agency, password)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise SystemExit(1)
    click.echo(f"システム管理者 {login_id} を作成しました。")


def create_admin_account(login_id: str, name: str, agency_name: str, password: str) -> list[str]:
    """Create a first system administrator; return the problems (nothing saved when any)."""
    with transaction():
        problems = password_problems(password, login_id, name)
        if db.session.scalar(select(User).where(User.login_id == login_id)):
            problems.append(f"ログインID {login_id} は既に使われています。")
        if problems:
            return problems
        agency = db.session.scalar(select(Agency).where(Agency.name == agency_name))
        if agency is None:
            kind = db.session.scalar(select(AgencyKind).where(AgencyKind.name == "その他"))
            agency = Agency(name=agency_name, kind=kind)
            db.session.add(agency)
        user = User(login_id=login_id, name=name, agency=agency, password_hash=hash_password(password))
        user.role_rows = [UserRole(role=Role.ADMIN.value)]
        db.session.add(user)
        db.session.flush()
        audit.record("admin.user_create", target=user, detail={"roles": [Role.ADMIN.value], "via": "cli"})
    return []


@click.command("backup")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def backup_command(path: Path | None):
    """Write a consistent copy of the database (default: instance/backups/portal-DATE.db or .dump)."""
    from flask import current_app

    if path is None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        suffix = "db" if db.engine.url.get_backend_name() == "sqlite" else "dump"
        path = Path(current_app.instance_path) / "backups" / f"portal-{stamp}.{suffix}"
    try:
        written = backup.backup(path)
    except backup.BackupError as error:
        click.echo(str(error), err=True)
        raise SystemExit(1) from None
    click.echo(f"バックアップを書き出しました: {written}（{written.stat().st_size:,} バイト）")


@click.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
def restore_command(path: Path):
    """Bring a backup back into the configured database, which must be empty."""
    try:
        backup.restore(path)
    except backup.BackupError as error:
        click.echo(str(error), err=True)
        raise SystemExit(1) from None
    click.echo(f"{path} を復元しました。`flask audit verify` で監査ログを確かめてください。")
