"""The council's list of local resources (地域資源) that support plans pick services from.

The coordinating body (coordinators and the 統括支援員) keeps the list. A resource is retired,
not deleted, so old plan versions keep pointing at what they used.
"""

from dataclasses import dataclass

from sqlalchemy import select

from cases import policy
from cases.plans.models import RESOURCE_KINDS, LocalResource
from portal import audit
from portal.extensions import db
from portal.models import Council, User
from portal.refusals import Refusal
from portal.sanitize import clean_html
from portal.transaction import transaction


@dataclass
class ResourceInput:
    """A resource as entered."""

    council_id: int
    name: str
    kind: str
    contact: str = ""
    note: str = ""
    active: bool = True


def managed_councils(user: User) -> list[Council]:
    """Return the councils whose resource list this person keeps."""
    ids = policy.coordinated_council_ids(user)
    if not ids or not user.active:
        return []
    return list(db.session.scalars(select(Council).where(Council.id.in_(ids)).order_by(Council.name)))


def resources_of(user: User) -> list[LocalResource]:
    """Return every resource (retired ones too) of the councils the person keeps, by kind and name."""
    ids = [c.id for c in managed_councils(user)]
    return list(
        db.session.scalars(
            select(LocalResource)
            .where(LocalResource.council_id.in_(ids))
            .order_by(LocalResource.council_id, LocalResource.kind, LocalResource.name)
        )
    )


def active_resources(council_id: int) -> list[LocalResource]:
    """Return the resources a plan of this council may use."""
    return list(
        db.session.scalars(
            select(LocalResource)
            .where(LocalResource.council_id == council_id, LocalResource.active)
            .order_by(LocalResource.kind, LocalResource.name)
        )
    )


def get_resource(user: User, resource_id: int) -> LocalResource | None:
    """Return a resource of a council the person keeps, or None."""
    resource = db.session.get(LocalResource, resource_id)
    if resource is None or resource.council_id not in {c.id for c in managed_councils(user)}:
        return None
    return resource


def save_resource(user: User, data: ResourceInput, resource: LocalResource | None = None) -> LocalResource:
    """Add a resource, or change one (its council stays); audited."""
    with transaction():
        councils = {c.id for c in managed_councils(user)}
        policy.require(bool(councils))
        council_id = resource.council_id if resource else data.council_id
        problems = []
        if council_id not in councils:
            problems.append("協議会を選んでください。")
        name = data.name.strip()
        if not name:
            problems.append("名称を入力してください。")
        if data.kind not in RESOURCE_KINDS:
            problems.append("種類を選んでください。")
        clash = db.session.scalar(
            select(LocalResource.id).where(LocalResource.council_id == council_id, LocalResource.name == name)
        )
        if clash and (resource is None or clash != resource.id):
            problems.append("同じ名称の地域資源が既にあります。")
        if problems:
            raise Refusal(*problems)
        created = resource is None
        if created:
            resource = LocalResource(council_id=council_id)
            db.session.add(resource)
        before = {} if created else {"name": resource.name, "kind": resource.kind, "active": resource.active}
        resource.name = name
        resource.kind = data.kind
        resource.contact = data.contact.strip()
        resource.note = clean_html(data.note)
        resource.active = data.active
        db.session.flush()
        audit.record(
            "resource.create" if created else "resource.update",
            actor=user,
            target=resource,
            detail={"council_id": council_id, "kind": data.kind, "active": data.active, "before": before},
        )
    return resource
