"""The templates' gettext: Flask-Babel's translations, looked up once per request."""

from flask import render_template_string

from portal import i18n

TEMPLATE = (
    "{{ _('台帳') }}|{{ _('%(n)s件', n=3) }}|{{ ngettext('%(num)d人', '%(num)d人たち', 1) }}|"
    "{{ ngettext('%(num)d人', '%(num)d人たち', 2) }}|{{ _('<b>%(name)s</b>', name='<i>') }}|"
    "{% for _x in range(40) %}{{ _('非共有') }}{% endfor %}"
)


def test_a_page_looks_the_translations_up_once_and_says_what_flask_babel_says(app, monkeypatch):
    looked_up = []
    real = i18n.get_translations

    def counted():
        looked_up.append(1)
        return real()

    monkeypatch.setattr(i18n, "get_translations", counted)
    with app.test_request_context("/"):
        text = render_template_string(TEMPLATE)
    first, count, one, two, markup, rest = text.split("|", 5)
    assert (first, count, one, two) == ("台帳", "3件", "1人", "2人たち")
    assert markup == "<b>&lt;i&gt;</b>"  # autoescaped variables, as Jinja's newstyle gettext does
    assert rest == "非共有" * 40
    assert looked_up == [1]
    with app.app_context(), app.test_request_context("/"):  # a new request (its own g) looks again
        render_template_string("{{ _('台帳') }}")
    assert looked_up == [1, 1]


def test_a_template_rendered_outside_any_request_still_translates(app):
    template = app.jinja_env.from_string("{{ _('%(n)s件', n=2) }}")
    assert template.render() == "2件"
