"""Who is asking, and role gates for views: who may open a page at all (case data: cases/policy)."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from portal.models import Role, User


def me() -> User:
    """Return the logged-in person (the object itself, not Flask-Login's proxy)."""
    return current_user._get_current_object()


def role_required(*roles: Role):
    """Let only people holding one of the roles through; others get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def is_admin(user) -> bool:
    """Tell whether the person administers the portal (the administration menu)."""
    return user.has_role(Role.ADMIN)


def is_auditor(user) -> bool:
    """Tell whether the person reads the audit log (the audit log menu)."""
    return user.has_role(Role.AUDITOR)


admin_required = role_required(Role.ADMIN)
auditor_required = role_required(Role.AUDITOR)
