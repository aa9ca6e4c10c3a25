"""The council's figures for the 代表者会議 and the surveys: a 年度 in numbers, with no names.

It counts cases, reports and meetings, so it sits above all three (and imports each only to count).
"""


def init_app(app) -> None:
    """Register the figures pages, their menu link, the audit label and the 代表者会議's material."""
    from figures import services, views
    from figures.materials import representative_figures
    from meetings.agenda.materials import register_material
    from portal.audit import register_action_labels
    from portal.home import NavItem, register_nav_item

    app.register_blueprint(views.bp)
    register_action_labels(services.FIGURES_ACTION_LABELS)
    register_nav_item(NavItem("統計", "figures.index", services.may_see_any, order=40))
    register_material(representative_figures)
