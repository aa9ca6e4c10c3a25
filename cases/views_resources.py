"""Local resources pages (地域資源): the list that support plans pick services from, kept by coordinators."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import login_required

from cases import policy, resources
from cases.plan_forms import ResourceForm
from cases.resources import ResourceError
from cases.views_common import bp, me, refuse


def may_keep_resources(user) -> bool:
    """Tell whether the person keeps a council's resource list (the coordinating body)."""
    return bool(resources.managed_councils(user))


@bp.get("/resources")
@login_required
def resource_list():
    """List the council's local resources, retired ones too."""
    user = me()
    policy.require(may_keep_resources(user))
    return render_template("cases/plans/resources.html", resources=resources.resources_of(user))


@bp.route("/resources/new", methods=["GET", "POST"])
@login_required
def resource_new():
    """Add a local resource."""
    user = me()
    councils = resources.managed_councils(user)
    policy.require(bool(councils))
    form = ResourceForm(councils)
    if form.validate_on_submit():
        try:
            resource = resources.save_resource(user, form.to_input())
        except ResourceError as error:
            refuse(form, error)
        else:
            flash(f"地域資源「{resource.name}」を追加しました。", "info")
            return redirect(url_for(".resource_list"))
    return render_template("cases/plans/resource_form.html", form=form, resource=None)


@bp.route("/resources/<int:resource_id>/edit", methods=["GET", "POST"])
@login_required
def resource_edit(resource_id: int):
    """Change a local resource, or retire it from the plans' choices."""
    user = me()
    councils = resources.managed_councils(user)
    policy.require(bool(councils))
    resource = resources.get_resource(user, resource_id)
    if resource is None:
        abort(404)
    form = ResourceForm(councils, obj=resource)
    if form.validate_on_submit():
        try:
            resources.save_resource(user, form.to_input(), resource)
        except ResourceError as error:
            refuse(form, error)
        else:
            flash(f"地域資源「{resource.name}」を更新しました。", "info")
            return redirect(url_for(".resource_list"))
    return render_template("cases/plans/resource_form.html", form=form, resource=resource)
