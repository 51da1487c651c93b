"""Forms whose fields are copied lightly (clinic.form_fields) behave as with Django's deep copy:
each form's fields, widgets, attributes, messages and validators are its own."""

import copy

import pytest
from django import forms
from django.http import QueryDict

from clinic.form_fields import LightlyCopiedFields, copy_field
from consultations.call_forms import CallTimeForm
from consultations.forms import ConsultationRequestForm, StaffRequestForm

SENT = QueryDict(
    "name=Zo%C3%AB&phone=651+555+01&email=not-an-address&best_times=morning&best_times=dusk"
    "&voicemail_ok=maybe&call_language=other&interpreter=yes&note=%00&heard_about=nowhere"
)


def test_the_patient_forms_copy_their_fields_lightly():
    assert isinstance(ConsultationRequestForm.base_fields, LightlyCopiedFields)
    assert isinstance(CallTimeForm.base_fields, LightlyCopiedFields)
    # A subclass, the staff's form in the admin, keeps Django's own copying.
    assert type(StaffRequestForm.base_fields) is dict


def test_each_form_has_its_own_fields_widgets_and_their_lists():
    first, second = ConsultationRequestForm(), ConsultationRequestForm()
    for name, field in first.fields.items():
        other, base = second.fields[name], ConsultationRequestForm.base_fields[name]
        assert field is not other and field is not base
        assert field.widget is not other.widget and field.widget is not base.widget
        assert field.widget.attrs is not other.widget.attrs
        assert field.error_messages is not other.error_messages
        assert field.validators is not other.validators
        assert field.widget.attrs == base.widget.attrs
        assert field.error_messages == base.error_messages
        assert field.validators == base.validators
        assert field.widget.is_required == field.required
    # Copied lightly: the lists of choices, which no form changes in place, are shared.
    assert first.fields["best_times"].choices is second.fields["best_times"].choices


def test_what_one_form_changes_of_its_fields_no_other_form_sees():
    changed = ConsultationRequestForm()
    name, voicemail = changed.fields["name"], changed.fields["voicemail_ok"]
    name.label = "Changed"
    name.required = False
    name.widget.attrs["data-changed"] = "yes"
    name.error_messages["required"] = "Changed"
    name.validators.append(lambda value: None)
    voicemail.choices = [("perhaps", "Perhaps")]
    changed.fields["call_language"].initial = "es"

    fresh = ConsultationRequestForm()
    assert fresh.fields["name"].label == "Your name" and fresh.fields["name"].required
    assert "data-changed" not in fresh.fields["name"].widget.attrs
    assert fresh.fields["name"].error_messages["required"] != "Changed"
    assert len(fresh.fields["name"].validators) == len(
        ConsultationRequestForm.base_fields["name"].validators
    )
    assert [value for value, _ in fresh.fields["voicemail_ok"].choices] == ["yes", "no"]
    assert [value for value, _ in fresh.fields["voicemail_ok"].widget.choices] == ["yes", "no"]
    assert [value for value, _ in ConsultationRequestForm.base_fields["voicemail_ok"].choices] == [
        "yes",
        "no",
    ]
    assert fresh.fields["call_language"].initial == "en"


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_form_copied_lightly_checks_and_renders_as_one_deep_copied(language, settings):
    from django.utils import translation

    class DeepCopied(ConsultationRequestForm):
        pass

    assert type(DeepCopied.base_fields) is dict
    with translation.override(language):
        light, deep = ConsultationRequestForm(SENT), DeepCopied(SENT)
        assert not light.is_valid() and not deep.is_valid()
        assert light.errors == deep.errors
        assert str(light) == str(deep)
        blank_light, blank_deep = ConsultationRequestForm(), DeepCopied()
        assert str(blank_light) == str(blank_deep)


def test_fields_and_widgets_that_copy_themselves_are_deep_copied_as_django_does():
    class Split(forms.Form):
        when = forms.SplitDateTimeField()
        plain = forms.CharField()

    fields = LightlyCopiedFields(Split.base_fields)
    copied = copy.deepcopy(fields)
    base_when, when = Split.base_fields["when"], copied["when"]
    assert when.fields[0] is not base_when.fields[0]  # MultiValueField: its own inner fields
    assert when.widget.widgets[0] is not base_when.widget.widgets[0]  # MultiWidget
    assert copied["plain"] is not Split.base_fields["plain"]
    memo = {}
    assert copy_field(Split.base_fields["plain"], memo) is memo[id(Split.base_fields["plain"])]
