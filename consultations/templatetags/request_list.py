"""The rows of the request list, worked out column by column.

Django's ``result_list`` tag finds out, for every cell, what kind of column it is in, where its
link goes, what "empty" looks like and how to show the value; with 13 columns and 50 rows that was
most of the list's cost. ``request_result_list`` finds that out once per column and writes the
same markup with the Jinja2 copy of the same template (``jinja2/admin/change_list_results.html``).
A list it has no rule for (a popup, ``list_editable``, a column of another kind) is left to
Django's own tag whole.
"""

import datetime
import html
from pathlib import Path

from django import template
from django.contrib.admin.options import ModelAdmin
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.contrib.admin.utils import display_for_field, display_for_value
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.forms.renderers import get_default_renderer
from django.urls import reverse
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

from clinic.form_renderer import DJANGO_ADMIN_TEMPLATES

register = template.Library()

# Stand-ins for a row's own values in markup made once per page; letters and digits only, so
# escaping and URL quoting leave them as they are.
PK_MARK = "rowpk9f3c2a7e51d8"
LABEL_MARK = "rowlabel9f3c2a7e51d8"


class MarkedRow:
    """What a per-row piece of markup needs of an object, as marks to replace."""

    pk = PK_MARK

    def __str__(self):
        return LABEL_MARK


def shown(value, empty, boolean):
    """A value as Django's list shows it (``display_for_value``), escaped."""
    if not boolean:
        if type(value) is SafeString:  # noqa: E721 (format_html's output, nothing else)
            return value or empty
        if type(value) is str:  # noqa: E721
            value = value.strip()
            return html.escape(value) if value else empty
    return conditional_escape(display_for_value(value, empty, boolean))


class Column:
    def __init__(self, name, empty):
        self.css = f' class="field-{name}"'
        self.empty = empty

    def value_html(self, obj):
        raise NotImplementedError

    def cell(self, obj):
        shown_value, nowrap = self.value_html(obj)
        css = f'{self.css[:-1]} nowrap"' if nowrap else self.css
        return f"<td{css}>{shown_value}</td>"


class AdminMethodColumn(Column):
    """A column computed by a method of the ModelAdmin (``@admin.display``)."""

    def __init__(self, name, empty, method):
        super().__init__(name, getattr(method, "empty_value_display", empty))
        self.method = method
        self.boolean = getattr(method, "boolean", False)

    def value_html(self, obj):
        value = self.method(obj)
        return (
            shown(value, self.empty, self.boolean),
            isinstance(value, (datetime.date, datetime.time)),
        )


class FieldColumn(Column):
    """A model field that is not a relation; the labels of its choices are looked up once."""

    def __init__(self, name, empty, field, link):
        super().__init__(name, empty)
        self.field, self.link = field, link
        self.nowrap = isinstance(field, (models.DateField, models.TimeField))
        self.labels = None
        if field.flatchoices and all(
            isinstance(value, (str, int)) for value, _label in field.flatchoices
        ):
            self.labels = {value: escape(str(label)) for value, label in field.flatchoices}

    def value_html(self, obj):
        value = getattr(obj, self.field.attname)
        if self.labels is not None:
            return self.labels.get(value, self.empty), self.nowrap
        return (
            conditional_escape(display_for_field(value, self.field, self.empty, self.link)),
            self.nowrap,
        )


class ActionCheckboxColumn:
    """The row's checkbox for actions, from Django's own markup made once with marks."""

    def __init__(self, model_admin):
        self.markup = f'<td class="action-checkbox">{model_admin.action_checkbox(MarkedRow())}</td>'

    def cell(self, obj):
        pk, label = html.escape(str(obj.pk)), html.escape(str(obj))
        return self.markup.replace(PK_MARK, pk).replace(LABEL_MARK, label)


class ChangeLinkColumn:
    """A column whose value links to the row's change page, keeping the list's filters."""

    def __init__(self, column, cl, tag):
        self.column, self.tag = column, tag
        self.css = column.css
        url = reverse(
            f"admin:{cl.opts.app_label}_{cl.opts.model_name}_change",
            args=(PK_MARK,),
            current_app=cl.model_admin.admin_site.name,
        )
        context = {"preserved_filters": cl.preserved_filters, "opts": cl.opts}
        self.url = escape(add_preserved_filters(context, url))

    def cell(self, obj):
        shown_value, nowrap = self.column.value_html(obj)
        css = f'{self.css[:-1]} nowrap"' if nowrap else self.css
        url = self.url.replace(PK_MARK, str(obj.pk))
        return f'<{self.tag}{css}><a href="{url}">{shown_value}</a></{self.tag}>'


def row_columns(cl):
    """How to build each cell of a row, or None where Django's own tag must build them."""
    model_admin = cl.model_admin
    if cl.formset or cl.is_popup or cl.to_field or not cl.list_display_links:
        return None
    # Integer keys only: they read the same in a URL whatever reverse() and quote() would do.
    if not isinstance(cl.lookup_opts.pk, models.IntegerField):
        return None
    links = cl.list_display_links
    empty = model_admin.get_empty_value_display()
    columns = []
    linked = False
    for name in cl.list_display:
        if not isinstance(name, str):
            return None
        if name == "action_checkbox":
            if type(model_admin).action_checkbox is not ModelAdmin.action_checkbox:
                return None
            columns.append(ActionCheckboxColumn(model_admin))
            continue
        try:
            field = cl.lookup_opts.get_field(name)
        except FieldDoesNotExist:
            method = getattr(model_admin, name, None)
            if name == "__str__" or not callable(method):
                return None
            column = AdminMethodColumn(name, empty, method)
        else:
            if field.is_relation or field.auto_created:
                return None
            column = FieldColumn(name, empty, field, link=name in links)
        if name in links:
            column = ChangeLinkColumn(column, cl, "td" if linked else "th")
            linked = True
        columns.append(column)
    return columns


def rows(columns, objects):
    """Each row as Django's tag gives it to the template, but with one item: all its cells.

    The template prints a row's items one after another, so the page is the same for a
    fiftieth of the template's work. Cells are made a column at a time, which runs faster than
    a row at a time (each column's code stays warm).
    """
    by_column = [[column.cell(obj) for obj in objects] for column in columns]
    return [
        admin_list.ResultList(None, [SafeString("".join(cells))])
        for cells in zip(*by_column, strict=True)
    ]


# Django's own template for the table, which the site's form renderer has a Jinja2 copy of.
DJANGOS_RESULTS_TEMPLATE = "admin/change_list_results.html"


def request_result_list(cl, columns):
    """The context of Django's ``result_list``, rows included."""
    headers = list(admin_list.result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": [],
        "result_headers": headers,
        "num_sorted_fields": sum(1 for header in headers if header.get("sorted")),
        "results": rows(columns, cl.result_list),
    }


class ResultListNode(InclusionAdminNode):
    """Django's ``result_list`` tag, which a list it has no rule for, or whose template the
    project overrides (for the model, the app or the admin), is left to whole; the rows this
    module builds are written by the Jinja2 copy of the tag's template (several times faster for
    50 rows of 13 columns), as the filters are."""

    def render(self, context):
        (cl,), _kwargs = self.get_resolved_arguments(context)
        columns = row_columns(cl)
        if columns is None or self.overridden(context):
            return super().render(context)
        # The template itself, as the renderer's render() would strip the markup's ends.
        table = get_default_renderer().get_template(DJANGOS_RESULTS_TEMPLATE)
        return table.render(request_result_list(cl, columns))

    def overridden(self, context):
        """True when the template Django's tag would use is not Django's own."""
        opts = context["opts"]
        names = [
            f"admin/{opts.app_label.lower()}/{opts.model_name}/{self.template_name}",
            f"admin/{opts.app_label.lower()}/{self.template_name}",
            f"admin/{self.template_name}",
        ]
        origin = Path(context.template.engine.select_template(names).origin.name)
        return origin != DJANGO_ADMIN_TEMPLATES / DJANGOS_RESULTS_TEMPLATE


# Django's own list filter template, which the site's form renderer has a Jinja2 copy of.
DJANGOS_FILTER_TEMPLATE = "admin/filter.html"


@register.simple_tag
def request_list_filter(cl, spec):
    """Django's ``admin_list_filter``, rendered from the Jinja2 copy of its template (about five
    times faster) when the filter uses Django's own."""
    if spec.template != DJANGOS_FILTER_TEMPLATE:
        return admin_list.admin_list_filter(cl, spec)
    context = {"title": spec.title, "choices": list(spec.choices(cl)), "spec": spec}
    return mark_safe(get_default_renderer().render(DJANGOS_FILTER_TEMPLATE, context))  # noqa: S308


@register.tag(name="request_result_list")
def request_result_list_tag(parser, token):
    return ResultListNode(
        "request_result_list",
        parser,
        token,
        func=admin_list.result_list,
        template_name="change_list_results.html",
        takes_context=False,
    )
