"""The optional "pick a time for our call" step of the patient's form, and the change page's
form. Kept apart from the request form: it has its own fields and its own template part
(consultations/includes/call_time.html)."""

from datetime import date, datetime
from functools import cached_property

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from clinic.form_fields import LightlyCopiedFields

from .business_days import clinic_date
from .slots import describe_slot, slot_day, slot_time

NO_PREFERENCE = ""


def parse_slot(value):
    """An aware datetime from a slot's value (ISO 8601 with offset), or None."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return moment if timezone.is_aware(moment) else None


def parse_day(value):
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


class CallTimeForm(forms.Form):
    """One day's free call times as radio buttons (the day chosen with plain buttons, so it
    works without JavaScript), "no preference" first and the default."""

    call_at = forms.CharField(
        label=_("Pick a time for our call (optional)"),
        required=False,
        widget=forms.RadioSelect,
    )
    confirm_by_email = forms.BooleanField(
        label=_("Email me a confirmation with a calendar file and a link to change the time"),
        required=False,
    )
    remind_by_email = forms.BooleanField(
        label=_("Email me a reminder the day before"), required=False
    )

    def __init__(self, *args, slots, show_day=None, offer_no_preference=True, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.slots = slots
        self.offer_no_preference = offer_no_preference
        self.show_day = show_day

    # The free times are looked up only when the form is shown: a sent form is checked without
    # them (the booking itself is checked against the database when it is stored).

    @cached_property
    def day(self):
        chosen = parse_slot(self["call_at"].value())
        wanted = parse_day(self.show_day) or (clinic_date(chosen) if chosen else None)
        return self.slots.day(wanted)

    @cached_property
    def neighbours(self):
        return self.slots.neighbours(self.day) if self.day else (None, None)

    @property
    def earlier(self):
        return self.neighbours[0]

    @property
    def later(self):
        return self.neighbours[1]

    def _choices(self, chosen):
        choices = []
        if self.offer_no_preference:
            choices.append((NO_PREFERENCE, _("No preference: call me at one of my best times")))
        shown = self.day.slots if self.day else []
        if (
            chosen
            and chosen not in shown
            and (self.slots.unavailable or self.slots.is_free(chosen))
        ):
            # Chosen on another day: stays chosen while the patient looks at this one.
            choices.append((chosen.isoformat(), describe_slot(chosen)))
        choices += [(slot.isoformat(), slot_time(slot)) for slot in shown]
        return choices

    def radios(self):
        """The radio buttons as plain values for the template (which writes the inputs itself:
        one template per option was most of the page's rendering time)."""
        field = self["call_at"]
        current = field.value() or NO_PREFERENCE
        return [
            {
                "id": f"{field.auto_id}_{index}",
                "value": value,
                "label": label,
                "checked": value == current,
                "wide": len(str(label)) > 12,
            }
            for index, (value, label) in enumerate(self._choices(parse_slot(field.value())))
        ]

    def slots_html(self):
        """The radio buttons' markup, through the form renderer (a compiled Jinja2 template)."""
        return mark_safe(  # noqa: S308  (the template escapes every value)
            self.renderer.render(
                "consultations/call_time_slots.html",
                {"field": self["call_at"], "radios": self.radios()},
            )
        )

    @property
    def day_heading(self):
        return slot_day(self.day.date) if self.day else ""

    def clean_call_at(self):
        value = self.cleaned_data["call_at"]
        if value == NO_PREFERENCE:
            if not self.offer_no_preference:
                raise ValidationError(_("Choose one of the times listed."), code="required")
            return None
        slot = parse_slot(value)
        if slot is None:
            raise ValidationError(_("Choose one of the times listed."), code="invalid_choice")
        return slot

    def check_email(self, email):
        """Emails about the call need the address typed in the request form."""
        if not self.is_valid() or email:
            return
        for name in ("confirm_by_email", "remind_by_email"):
            if self.cleaned_data.get(name) and self.cleaned_data.get("call_at"):
                self.add_error(
                    name,
                    ValidationError(
                        _(
                            "To be emailed about your call, enter your email address above, "
                            "or untick the email boxes."
                        ),
                        code="email_needed",
                    ),
                )


# Made on every submission: its fields are copied for each form without a deep copy.
CallTimeForm.base_fields = LightlyCopiedFields(CallTimeForm.base_fields)
