"""Fixtures for the administration pages: a logged-in system administrator and the audit rows."""

import pytest
from sqlalchemy import select

from portal.audit import AuditEntry
from portal.extensions import db
from portal.models import Role
from tests.factories import AgencyFactory, UserFactory


@pytest.fixture
def admin(login):
    """A system administrator of the city's こども家庭センター, logged in."""
    user = UserFactory(
        login_id="admin", name="管理 太郎", roles=[Role.ADMIN], agency=AgencyFactory(name="市役所 情報政策課")
    )
    login(user)
    return user


def audit_rows(prefix: str = "admin.") -> list[AuditEntry]:
    """Return the audit rows of administration actions, oldest first."""
    query = select(AuditEntry).where(AuditEntry.action.startswith(prefix)).order_by(AuditEntry.seq)
    return list(db.session.scalars(query))


def page_text(response) -> str:
    """Return the page as text."""
    return response.get_data(as_text=True)
