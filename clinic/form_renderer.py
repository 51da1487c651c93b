"""The site's form renderer: Jinja2 for Django's built-in widget templates, for the site's field
template (jinja2/forms/field.html) and for the admin widgets copied into jinja2/admin/, the Django
template engine for everything else (the admin's other widgets, and any form template the
project puts in templates/).

The built-in widget templates are the same markup in both languages; the Jinja2 ones are compiled
to Python and render several times faster. That matters for the radio buttons and checkboxes
(a template per option), for every field of the patient's form, and for the admin list (a
checkbox per row). The site's jinja2/django/forms/widgets/ replaces a few of Django's Jinja2
templates with ones that write in place what Django's include (a select's options, an input's
attributes): an include costs more than the markup it writes. A widget that is a single <input>
(text, hidden, date, checkbox and the like) runs no template at all: ``input_markup`` writes
what Django's input template writes. jinja2/admin/ holds copies of the admin templates a
request's page repeats for every call attempt, used through RendererTemplate.
Settings: FORM_RENDERER = "clinic.form_renderer.FastFormRenderer".

An empty widget (nothing typed or chosen: the form as a visitor first sees it) is also kept
once rendered, in this process, keyed by everything its template receives and the active
language, so a change of choices, attributes, labels or language is a different entry. A widget
that holds a value someone entered is never kept. A widget's template sees only its context
(no request, no CSRF token, no nonce), so a kept widget is the same for every visitor.
"""

from pathlib import Path

import django
import django.forms
from django.conf import settings
from django.contrib.admin.templatetags.admin_modify import cell_count
from django.contrib.admin.templatetags.admin_urls import admin_urlname, admin_urlquote
from django.forms.renderers import BaseRenderer, get_default_renderer
from django.template import TemplateDoesNotExist
from django.template.backends.django import DjangoTemplates
from django.template.backends.jinja2 import Jinja2
from django.template.defaultfilters import capfirst, iriencode, striptags
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise, cached_property
from markupsafe import escape

from jinja2 import Environment

DJANGO_FORMS_JINJA2 = Path(django.forms.__file__).parent / "jinja2"
DJANGO_FORMS_TEMPLATES = Path(django.forms.__file__).parent / "templates"
DJANGO_ADMIN_TEMPLATES = Path(django.__file__).parent / "contrib" / "admin" / "templates"
# Django's own templates, which a Jinja2 copy of the same markup may replace: Django ships one for
# each form widget; the project's jinja2/ folder holds copies of admin widgets staff see often
# (the date and time fields of the FAQ's publishing schedule and of blocked call times).
DJANGOS_OWN_TEMPLATES = (DJANGO_FORMS_TEMPLATES, DJANGO_ADMIN_TEMPLATES)


def environment(**options):
    """Jinja2 with Django's translations: {{ _("...") }} and {% trans %} use the active language;
    and the functions and filters the admin's templates copied into jinja2/admin/ use, with
    Django's meaning (Django's striptags keeps entities as they are, Jinja2's decodes them)."""
    # cache_size -1: a plain dict of compiled templates (the default, an LRU of 400, takes a
    # lock and reorders on every lookup, and widgets look templates up for every option).
    options = {**options, "extensions": ["jinja2.ext.i18n"], "cache_size": -1}
    options.pop("autoescape", None)
    env = Environment(autoescape=True, **options)
    env.install_gettext_translations(translation, newstyle=True)
    env.globals.update(static=static, url=reverse)
    env.filters.update(
        admin_urlname=admin_urlname,
        admin_urlquote=admin_urlquote,
        capfirst=capfirst,
        cell_count=cell_count,
        iriencode=iriencode,
        striptags=striptags,
    )
    return env


# Django's templates that write a single <input>, each an include of input.html, whose markup
# input_markup() writes: for these the renderer runs no template at all, unless the project or an
# app overrides one in a templates/ folder.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{kind}.html"
    for kind in (
        *("input", "checkbox", "color", "date", "datetime", "email", "file", "hidden"),
        *("number", "password", "search", "tel", "text", "time", "url"),
    )
)


def input_markup(widget):
    """What Django's input.html and attrs.html write for ``widget`` (a widget's context), escaped
    as the Jinja2 templates escape it. An admin page writes a hundred inputs (five on every call
    attempt): a template for each cost several times the markup."""
    parts = ['<input type="', escape(widget["type"]), '" name="', escape(widget["name"]), '"']
    if widget["value"] is not None:
        parts += [' value="', escape(widget["value"]), '"']
    for name, value in widget["attrs"].items():
        if value is not False:
            parts += [" ", escape(name)]
            if value is not True:
                parts += ['="', escape(value), '"']
    parts.append(">")
    return "".join(parts)


# Enough for every empty widget of every form in every language, with room for changing choices.
KEPT_WIDGETS_MAX = 2048
PLAIN_TYPES = (str, int, float, bool, type(None))


class Unkeepable(Exception):
    """The context holds something that cannot be compared safely: render it afresh."""


def frozen(value):
    """A hashable copy of a widget context that tells apart everything the template could show,
    including safe from unsafe strings and True from 1. Plain strings, the most common values,
    stand for themselves (nothing else in a key equals a string)."""
    kind = type(value)
    if kind is str or value is None:
        return value
    if kind is dict:
        return (dict, tuple((key, frozen(item)) for key, item in value.items()))
    if kind is list or kind is tuple:
        return (kind, tuple(frozen(item) for item in value))
    if isinstance(value, Promise):
        return frozen(str(value))
    if isinstance(value, PLAIN_TYPES):
        return (kind, value)
    raise Unkeepable


def is_empty(value):
    if isinstance(value, (list, tuple)):
        return all(is_empty(item) for item in value)
    return value is None or value == ""


def widget_key(template_name, context, request):
    """The key an empty widget is kept under, or None when it must be rendered afresh."""
    widget = context.get("widget") if len(context) == 1 else None
    if request is not None or not isinstance(widget, dict) or settings.DEBUG:
        return None
    subwidgets = widget.get("subwidgets") or []
    if not is_empty(widget.get("value")) or not all(
        is_empty(sub.get("value")) for sub in subwidgets
    ):
        return None
    try:
        return (template_name, translation.get_language(), frozen(widget))
    except Unkeepable:
        return None


class FastFormRenderer(BaseRenderer):
    """Jinja2 where a Jinja2 template exists, settings.TEMPLATES otherwise.

    A template the project or an app provides under a templates/ folder wins over a Jinja2 one
    of the same name, so overriding a Django widget template works as with TemplatesSetting.
    """

    field_template_name = "forms/field.html"

    def __init__(self):
        self._templates = {}
        self._kept = {}
        self._writes_input = {}

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if len(context) == 1 and request is None else None
        if isinstance(widget, dict) and self.writes_input(template_name):
            return input_markup(widget)
        key = widget_key(template_name, context, request)
        if key is None:
            return super().render(template_name, context, request)
        html = self._kept.get(key)
        if html is None:
            html = super().render(template_name, context, request)
            if len(self._kept) >= KEPT_WIDGETS_MAX:
                self._kept.clear()
            self._kept[key] = html
        return html

    @cached_property
    def jinja2(self):
        return Jinja2(
            {
                "APP_DIRS": False,
                "DIRS": [settings.BASE_DIR / "jinja2", DJANGO_FORMS_JINJA2],
                "NAME": "clinic-forms",
                "OPTIONS": {"environment": "clinic.form_renderer.environment"},
            }
        )

    @cached_property
    def django(self):
        """The project's template folders and the apps', then Django's own form templates."""
        return DjangoTemplates(
            {
                "APP_DIRS": True,
                "DIRS": [*settings.TEMPLATES[0]["DIRS"], DJANGO_FORMS_TEMPLATES],
                "NAME": "clinic-forms-django",
                "OPTIONS": {},
            }
        )

    def writes_input(self, template_name):
        """True when the template is Django's own input (or the project's Jinja2 copy of it),
        which input_markup() writes in its place."""
        if template_name not in INPUT_TEMPLATES:
            return False
        writes = self._writes_input.get(template_name)
        if writes is None:
            writes = self._choose(template_name) is self.jinja2
            if not settings.DEBUG:
                self._writes_input[template_name] = writes
        return writes

    def get_template(self, template_name):
        template = self._templates.get(template_name)
        if template is None:
            engine = self._choose(template_name)
            template = engine.get_template(template_name)
            if not settings.DEBUG:  # while developing, an edited template shows at once
                self._templates[template_name] = template
        return template

    def _choose(self, template_name):
        """Jinja2 unless the template exists only for the Django engine, or the project or an
        app other than Django's own overrides it in a templates/ folder."""
        try:
            template = self.django.get_template(template_name)
        except TemplateDoesNotExist:
            return self.jinja2
        origin = Path(template.origin.name)
        if not any(folder in origin.parents for folder in DJANGOS_OWN_TEMPLATES):
            return self.django
        try:
            self.jinja2.get_template(template_name)
        except TemplateDoesNotExist:
            return self.django
        return self.jinja2


class RendererTemplate:
    """A template of the site's form renderer that a Django template can {% include %} (Django
    includes any object with a render(context) method), with that template's context.

    An admin inline's `template` can be one: CallAttemptInline's table of rows is the Jinja2
    copy of the admin's tabular inline (jinja2/admin/edit_inline/tabular.html).
    """

    def __init__(self, template_name):
        self.template_name = template_name

    def __str__(self):
        return self.template_name

    def render(self, context):
        return get_default_renderer().render(self.template_name, context.flatten())
