"""The site's form renderer (clinic/form_renderer.py): fast, and the same markup as Django's."""

import re
from datetime import datetime

import pytest
from django import forms
from django.contrib.admin.widgets import AdminDateWidget, AdminSplitDateTime
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from clinic.form_renderer import FastFormRenderer, input_markup, select_markup, textarea_markup
from consultations.forms import ConsultationRequestForm, StaffRequestForm
from tests.typed_form import TYPED


def normalised(html):
    """Whitespace between tags and the spelling of the apostrophe's entity aside."""
    html = re.sub(r">\s+<", "><", html.replace("&#x27;", "&#39;").replace("&quot;", "&#34;"))
    return re.sub(r"\s+", " ", html).strip()


def test_it_is_the_site_renderer():
    assert isinstance(get_default_renderer(), FastFormRenderer)


@pytest.mark.parametrize("form_class", [ConsultationRequestForm, StaffRequestForm])
@pytest.mark.parametrize("data", [None, TYPED, {"best_times": ["nonsense"], "name": "<b>"}])
def test_widgets_are_the_same_markup_as_djangos(form_class, data):
    ours = form_class(data=data, renderer=FastFormRenderer())
    djangos = form_class(data=data, renderer=DjangoTemplates())
    for mine, theirs in zip(ours, djangos, strict=True):
        assert normalised(mine.as_widget()) == normalised(theirs.as_widget())


def test_admin_widgets_still_render_with_djangos_templates():
    html = AdminDateWidget().render("day", None, renderer=FastFormRenderer())
    assert 'class="vDateField' in html and 'name="day"' in html


SELECTS = [
    forms.Select(choices=[("", "---"), ("a", "<A>"), ("b", "B")], attrs={"aria-label": "Pick"}),
    forms.Select(
        choices=[("Morning", [("9", "9 am"), ("10", "10 am")]), ("Later", [("17", "5 pm")])],
        attrs={"required": True, "disabled": False, "data-x": 1},
    ),
    forms.SelectMultiple(choices=[("a", "A"), ("b", "B"), ("c", "C")]),
]


@pytest.mark.parametrize("widget", SELECTS)
@pytest.mark.parametrize("value", [None, "a", "10", ["a", "c"]])
def test_selects_are_the_same_markup_as_djangos(widget, value):
    """The site's select template (jinja2/django/forms/widgets/select.html) writes its options
    in place; the markup is Django's."""
    ours = widget.render("pick", value, attrs={"id": "id_pick"}, renderer=FastFormRenderer())
    djangos = widget.render("pick", value, attrs={"id": "id_pick"}, renderer=DjangoTemplates())
    assert normalised(ours) == normalised(djangos)


@pytest.mark.parametrize(
    "widget",
    [forms.HiddenInput, forms.DateInput, forms.TimeInput, forms.TextInput, forms.NumberInput],
)
@pytest.mark.parametrize("value", [None, "", "2026-03-08", '"<b>&'])
def test_inputs_are_the_same_markup_as_djangos(widget, value):
    """The site's input templates write their attributes in place; the markup is Django's."""
    attrs = {"id": "id_x", "required": True, "disabled": False, "size": 10, "title": "<a>"}
    ours = widget().render("x", value, attrs=attrs, renderer=FastFormRenderer())
    djangos = widget().render("x", value, attrs=attrs, renderer=DjangoTemplates())
    assert normalised(ours) == normalised(djangos)


def test_an_option_template_of_a_widgets_own_is_still_used():
    class Shouting(forms.Select):
        option_template_name = "django/forms/widgets/input.html"

    html = Shouting(choices=[("a", "A")]).render("pick", None, renderer=FastFormRenderer())
    assert '<input type="select" name="pick" value="a"' in html


@pytest.mark.parametrize("value", [None, datetime(2026, 3, 8, 14, 5, 9)])
def test_the_admins_date_and_time_widget_is_the_same_markup_as_djangos(value):
    """Its Jinja2 copy (jinja2/admin/widgets/split_datetime.html) writes what Django's does."""
    widget = AdminSplitDateTime()
    attrs = {"id": "id_called_at"}
    ours = widget.render("called_at", value, attrs=attrs, renderer=FastFormRenderer())
    djangos = widget.render("called_at", value, attrs=attrs, renderer=DjangoTemplates())
    assert 'class="vTimeField"' in ours
    assert normalised(ours) == normalised(djangos)


def test_an_empty_widget_is_kept_and_a_filled_one_is_not():
    renderer = FastFormRenderer()
    widget = forms.SplitDateTimeWidget(attrs={"class": "when"})
    widget.render("when", None, renderer=renderer)
    widget.render("when", "", renderer=renderer)
    assert len(renderer._kept) == 1
    html = widget.render("when", datetime(2026, 3, 8, 9, 30), renderer=renderer)
    assert 'value="2026-03-08"' in html
    assert len(renderer._kept) == 1
    assert not any("2026-03-08" in kept for kept in renderer._kept.values())


INPUTS = [
    forms.TextInput,
    forms.HiddenInput,
    forms.DateInput,
    forms.TimeInput,
    forms.DateTimeInput,
    forms.NumberInput,
    forms.EmailInput,
    forms.URLInput,
    forms.PasswordInput,
    forms.CheckboxInput,
    forms.ColorInput,
    forms.SearchInput,
    forms.TelInput,
    forms.FileInput,
]


@pytest.mark.parametrize("widget", INPUTS)
@pytest.mark.parametrize("value", [None, "", "2026-03-08", "\"<b>&'", 0, True])
def test_an_input_is_written_without_a_template_as_the_template_writes_it(widget, value):
    """Django's input templates are written in Python (input_markup): the same characters as
    the site's Jinja2 templates, escaping included, and Django's markup."""
    renderer = FastFormRenderer()
    attrs = {
        "id": "id_x",
        "required": True,
        "disabled": False,
        "size": 10,
        "title": "<a & 'b'>",
        "data-safe": mark_safe("<i>"),
        "aria-label": gettext_lazy("Called at"),
    }
    context = widget().get_context("x", value, attrs)
    template_name = context["widget"]["template_name"]
    assert renderer.writer(template_name) is input_markup
    through_template = renderer.get_template(template_name).render(context).strip()

    ours = widget().render("x", value, attrs=attrs, renderer=renderer)

    assert ours == through_template
    djangos = widget().render("x", value, attrs=attrs, renderer=DjangoTemplates())
    assert normalised(ours) == normalised(djangos)
    assert not renderer._kept


def test_an_input_template_the_project_overrides_is_still_rendered(settings, tmp_path):
    """An input template under a templates/ folder wins, as it would with Django's renderer."""
    folder = tmp_path / "django" / "forms" / "widgets"
    folder.mkdir(parents=True)
    (folder / "text.html").write_text('<input class="ours" name="{{ widget.name }}">')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    renderer = FastFormRenderer()

    assert renderer.writer("django/forms/widgets/text.html") is None
    html = forms.TextInput().render("x", "1", renderer=renderer)
    assert html == '<input class="ours" name="x">'
    assert renderer.writer("django/forms/widgets/hidden.html") is input_markup


def test_an_input_template_an_app_overrides_is_still_rendered(settings, tmp_path, monkeypatch):
    """An app's templates/ folder wins over Django's own form templates, as with Django's
    TemplatesSetting renderer."""
    folder = tmp_path / "widget_app" / "templates" / "django" / "forms" / "widgets"
    folder.mkdir(parents=True)
    (tmp_path / "widget_app" / "__init__.py").write_text("")
    (folder / "text.html").write_text('<input class="app" name="{{ widget.name }}">')
    monkeypatch.syspath_prepend(str(tmp_path))
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "widget_app"]
    renderer = FastFormRenderer()

    assert renderer.writer("django/forms/widgets/text.html") is None
    assert forms.TextInput().render("x", "1", renderer=renderer) == '<input class="app" name="x">'
    assert renderer.writer("django/forms/widgets/hidden.html") is input_markup


@pytest.mark.parametrize("included", ["input", "attrs", "select_option"])
def test_a_template_the_writers_include_overridden_turns_them_off(settings, tmp_path, included):
    """The writers also write what Django's widget templates include (an input, the attributes,
    an option): with one of those overridden, every widget is rendered with its templates."""
    folder = tmp_path / "django" / "forms" / "widgets"
    folder.mkdir(parents=True)
    (folder / f"{included}.html").write_text("overridden")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    renderer = FastFormRenderer()

    for name in ("text", "hidden", "textarea", "select"):
        assert renderer.writer(f"django/forms/widgets/{name}.html") is None


WRITTEN = [
    (forms.Textarea(attrs={"rows": 2, "cols": 40}), textarea_markup),
    (forms.Textarea(attrs={"aria-label": gettext_lazy("Notes")}), textarea_markup),
    *((widget, select_markup) for widget in SELECTS),
]


@pytest.mark.parametrize(("widget", "writer"), WRITTEN)
@pytest.mark.parametrize("value", [None, "", "a", "10", ["a", "c"], "line one\n\"<b>&'", True])
def test_textareas_and_selects_are_written_as_their_templates_write_them(widget, writer, value):
    renderer = FastFormRenderer()
    attrs = {"id": "id_x", "required": True, "disabled": False, "title": "<a & 'b'>"}
    context = widget.get_context("x", value, attrs)
    template_name = context["widget"]["template_name"]
    assert renderer.writer(template_name) is writer
    through_template = renderer.get_template(template_name).render(context).strip()

    ours = widget.render("x", value, attrs=attrs, renderer=renderer)

    assert ours == through_template
    djangos = widget.render("x", value, attrs=attrs, renderer=DjangoTemplates())
    assert normalised(ours) == normalised(djangos)


def test_a_kept_widget_follows_its_choices_attributes_and_language():
    """Anything the template receives is part of the key: new choices (times that become
    bookable), new attributes (aria-invalid after an error) or another language render afresh."""
    renderer = FastFormRenderer()
    widget = forms.RadioSelect(choices=[("9", "9 am"), ("10", "10 am")])
    assert "10 am" in widget.render("slot", None, renderer=renderer)
    widget.choices = [("9", "9 am"), ("11", "11 am")]
    html = widget.render("slot", None, renderer=renderer)
    assert "11 am" in html and "10 am" not in html
    assert 'aria-invalid="true"' in widget.render(
        "slot", None, attrs={"aria-invalid": "true"}, renderer=renderer
    )
    label = translation.gettext_lazy("Yes")
    yes_no = forms.Select(choices=[("y", label)])
    with translation.override("en"):
        english = yes_no.render("ok", None, renderer=renderer)
    with translation.override("de"):
        german = yes_no.render("ok", None, renderer=renderer)
    assert ">Yes<" in english and ">Ja<" in german


def test_safe_and_plain_labels_are_kept_apart():
    from django.utils.safestring import mark_safe

    renderer = FastFormRenderer()
    plain = forms.Select(choices=[("a", "<b>a</b>")]).render("x", None, renderer=renderer)
    safe = forms.Select(choices=[("a", mark_safe("<b>a</b>"))]).render("x", None, renderer=renderer)
    assert "&lt;b&gt;" in plain and "<b>a</b>" in safe


def test_true_and_one_are_kept_apart():
    """A bare attribute (True) and a value of 1 write different markup."""
    renderer = FastFormRenderer()
    bare = forms.TextInput(attrs={"data-flag": True}).render("x", None, renderer=renderer)
    one = forms.TextInput(attrs={"data-flag": 1}).render("x", None, renderer=renderer)
    assert 'data-flag="1"' in one and 'data-flag="1"' not in bare and "data-flag" in bare
