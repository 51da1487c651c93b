"""The site's form renderer: Jinja2 for Django's built-in widget templates, for the site's field
template (jinja2/forms/field.html) and for the admin widgets copied into jinja2/admin/, the Django
template engine for everything else (the admin's other widgets, and any form template the
project puts in templates/).

The built-in widget templates are the same markup in both languages; the Jinja2 ones are compiled
to Python and render several times faster. That matters for the radio buttons and checkboxes
(a template per option), for every field of the patient's form, and for the admin list (a
checkbox per row). The site's jinja2/django/forms/widgets/ replaces a few of Django's Jinja2
templates with ones that write in place what Django's include (a select's options, an input's
attributes): an include costs more than the markup it writes. The commonest widgets (every
single <input>, textareas and plain selects) run no template at all: WIDGET_WRITERS write what
Django's templates write. jinja2/admin/ holds copies of the admin templates a
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


def attrs_markup(attrs, parts):
    """What Django's attrs.html writes, added to ``parts``."""
    for name, value in attrs.items():
        if value is not False:
            parts += [" ", escape(name)]
            if value is not True:
                parts += ['="', escape(value), '"']


def input_markup(widget):
    """What Django's input.html writes for ``widget`` (a widget's context)."""
    parts = ['<input type="', escape(widget["type"]), '" name="', escape(widget["name"]), '"']
    if widget["value"] is not None:
        parts += [' value="', escape(widget["value"]), '"']
    attrs_markup(widget["attrs"], parts)
    parts.append(">")
    return "".join(parts)


def textarea_markup(widget):
    """What Django's textarea.html writes."""
    parts = ['<textarea name="', escape(widget["name"]), '"']
    attrs_markup(widget["attrs"], parts)
    parts.append(">\n")
    if widget["value"]:
        parts.append(escape(widget["value"]))
    parts.append("</textarea>")
    return "".join(parts)


SELECT_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def select_markup(widget):
    """What Django's select.html writes, or None when an option has a template of its own."""
    parts = ['<select name="', escape(widget["name"]), '"']
    attrs_markup(widget["attrs"], parts)
    parts.append(">")
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts += ['\n  <optgroup label="', escape(group_name), '">']
        for option in options:
            if option["template_name"] != SELECT_OPTION_TEMPLATE:
                return None
            parts += ['\n  <option value="', escape(option["value"]), '"']
            attrs_markup(option["attrs"], parts)
            parts += [">", escape(option["label"]), "</option>"]
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


# The templates Django's widget templates include, which the writers write as well: one of them
# overridden, the widgets that include it are rendered with their templates.
WRITTEN_INCLUDES = tuple(
    f"django/forms/widgets/{name}.html" for name in ("input", "attrs", "select_option")
)
# Django's widget templates whose markup these functions write, escaped as the Jinja2 templates
# escape it: the renderer runs no template for them, unless the project or an app overrides one
# in a templates/ folder. An admin page writes a hundred such widgets (seven on every call
# attempt), and a template for each cost several times its markup.
WIDGET_WRITERS = {
    **{
        f"django/forms/widgets/{kind}.html": input_markup
        for kind in (
            # Each an include of input.html.
            *("input", "checkbox", "color", "date", "datetime", "email", "file", "hidden"),
            *("number", "password", "search", "tel", "text", "time", "url"),
        )
    },
    "django/forms/widgets/textarea.html": textarea_markup,
    "django/forms/widgets/select.html": select_markup,
}


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
        self._writers = {}

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if len(context) == 1 and request is None else None
        writer = self.writer(template_name) if isinstance(widget, dict) else None
        markup = writer(widget) if writer is not None else None
        if markup is not None:
            return markup
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
        files = "django.template.loaders.filesystem.Loader"
        return DjangoTemplates(
            {
                "APP_DIRS": False,
                "DIRS": [],
                "NAME": "clinic-forms-django",
                "OPTIONS": {
                    "loaders": [
                        (files, settings.TEMPLATES[0]["DIRS"]),
                        "django.template.loaders.app_directories.Loader",
                        (files, [DJANGO_FORMS_TEMPLATES]),
                    ]
                },
            }
        )

    def writer(self, template_name):
        """The function of WIDGET_WRITERS that writes the template's markup in its place, or
        None when the template, or one it includes, is not Django's own (nor the project's
        Jinja2 copy of it): the project or an app overrides it in a templates/ folder."""
        writer = WIDGET_WRITERS.get(template_name)
        if writer is None:
            return None
        if template_name not in self._writers:
            djangos_own = all(
                self._choose(name) is self.jinja2 for name in (template_name, *WRITTEN_INCLUDES)
            )
            chosen = writer if djangos_own else None
            if settings.DEBUG:  # while developing, a template added to templates/ wins at once
                return chosen
            self._writers[template_name] = chosen
        return self._writers[template_name]

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
