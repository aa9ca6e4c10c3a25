"""Role gates for views: who may open a page at all (case data has its own policy in cases/)."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from portal.models import Role


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


admin_required = role_required(Role.ADMIN)
auditor_required = role_required(Role.AUDITOR)
