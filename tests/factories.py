"""factory_boy factories for identity objects."""

import time

import factory
import pyotp
from sqlalchemy import select

from portal.extensions import db
from portal.models import Agency, AgencyKind, Council, Role, User, UserRole
from portal.passwords import FAST
from portal.types import utcnow

DEFAULT_PASSWORD = "Test-Passw0rd-ok"
# Made with the test suite's cheap argon2 parameters, so each login verifies in about a millisecond.
_DEFAULT_HASH = FAST.hash(DEFAULT_PASSWORD)


def bind(session) -> None:
    """Point every factory at the test's session."""
    for factory_class in (CouncilFactory, AgencyFactory, UserFactory):
        factory_class._meta.sqlalchemy_session = session


def kind(name: str) -> AgencyKind:
    """Return one of the agency kinds the migration seeded."""
    return db.session.scalar(select(AgencyKind).where(AgencyKind.name == name))


class _Base(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_persistence = "commit"


class CouncilFactory(_Base):
    class Meta:
        model = Council

    name = factory.Sequence(lambda n: f"テスト{n}市要保護児童対策地域協議会")
    municipality = factory.Sequence(lambda n: f"テスト{n}市")


class AgencyFactory(_Base):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"テスト機関{n}")
    kind = factory.LazyFunction(lambda: kind("小学校"))

    @factory.post_generation
    def councils(self, create, extracted, **kwargs):
        """Make the agency a member of the given councils."""
        if extracted:
            self.councils = list(extracted)
            if create:
                db.session.commit()


class UserFactory(_Base):
    class Meta:
        model = User

    login_id = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"利用者 {n}")
    agency = factory.SubFactory(AgencyFactory)
    password_hash = _DEFAULT_HASH
    must_change_password = False

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """Give the person the listed roles (agency member by default)."""
        roles = extracted if extracted is not None else [Role.AGENCY_MEMBER]
        self.role_rows = [UserRole(role=Role(r).value) for r in roles]
        if create:
            db.session.commit()


def enrol_second_factor(user) -> str:
    """Give a person a confirmed authenticator secret, as if they had enrolled; return the secret."""
    user.totp_secret = pyotp.random_base32()
    user.totp_confirmed_at = utcnow()
    user.totp_last_step = None
    db.session.commit()
    return user.totp_secret


def second_factor_code(secret: str, last_step: int | None = None) -> str:
    """Return the code an authenticator app shows now, or the next one when the current one was used."""
    totp = pyotp.TOTP(secret)
    step = int(time.time()) // totp.interval
    if last_step is not None and last_step >= step:
        step = last_step + 1  # still accepted: one step of clock drift is allowed
    return totp.at(step * totp.interval)


def code_for_login(user) -> str:
    """Return the code a person's app shows for their next login through a real server.

    The person is enrolled first if they are not (a server in production mode asks them); the last
    step the servers used is read afresh, so a second login within 30 s gets the next code.
    """
    db.session.commit()  # end the test's read: the servers wrote the last step used
    db.session.refresh(user)
    if user.totp_confirmed_at is None:
        enrol_second_factor(user)
    return second_factor_code(user.totp_secret, user.totp_last_step)
