"""A form class's fields, copied for each form it makes without Django's deep copy.

Django gives every form its own copy of the class's fields (``copy.deepcopy(base_fields)``), so
that one form can change its fields without changing another's. For the patient's form, made on
every submission, that deep copy (of every field, widget and list of choices, lazy translations
included) cost about a tenth of the submission (docs/benchmarks.md). ``LightlyCopiedFields``
makes the same separate copies at a fraction of the cost:

- every form still gets its own field and widget objects, with their own widget attributes,
  error messages and validators lists, so a form can change a field's label, initial value,
  required flag, widget attributes, messages or validators as Django allows;
- what stays shared is what a form never changes in place: the lists of choices (a form that
  offers other choices assigns new ones, as Django's setter does) and the validators and
  messages themselves;
- a field or widget whose class copies itself its own way (one holding other fields or widgets,
  or a queryset) is deep-copied as Django does.

Use: ``SomeForm.base_fields = LightlyCopiedFields(SomeForm.base_fields)`` after the class. A
subclass gets Django's own copying unless it does the same.
"""

import copy

from django import forms

# Classes whose copy needs nothing more than the steps below: Django's own field and widget
# copies, which these repeat without copying the choices.
LIGHT_FIELD_COPIES = {forms.Field.__deepcopy__, forms.ChoiceField.__deepcopy__}
LIGHT_WIDGET_COPIES = {forms.Widget.__deepcopy__, forms.widgets.ChoiceWidget.__deepcopy__}


def _shallow_copy(obj):
    copied = object.__new__(type(obj))
    copied.__dict__.update(obj.__dict__)
    return copied


def copy_field(field, memo):
    """A copy of ``field`` for one form: see the module's docstring."""
    widget = field.widget
    if (
        type(field).__deepcopy__ not in LIGHT_FIELD_COPIES
        or type(widget).__deepcopy__ not in LIGHT_WIDGET_COPIES
    ):
        return copy.deepcopy(field, memo)
    copied = _shallow_copy(field)
    copied.widget = _shallow_copy(widget)
    copied.widget.attrs = widget.attrs.copy()
    copied.error_messages = field.error_messages.copy()
    copied.validators = field.validators[:]
    memo[id(field)] = copied
    return copied


class LightlyCopiedFields(dict):
    """``base_fields`` that Django's ``copy.deepcopy`` copies with ``copy_field``."""

    def __deepcopy__(self, memo):
        return {name: copy_field(field, memo) for name, field in self.items()}
