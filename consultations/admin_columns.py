"""The computed columns and read-only fields of the request list and a request's page."""

from datetime import timedelta
from functools import lru_cache

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timesince import TIME_STRINGS, timesince
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from .clinic_time import clinic_time, in_clinic_time
from .display import best_time_labels, choice_labels, outcome_label, staff_name
from .models import ConsultationRequest
from .models.querysets import call_count, last_called_at

Status = ConsultationRequest.Status


# The units of the "waiting" column ("3 days", "4 hours"), translated once per language and
# number rather than for every row: the same text as timesince()'s own.
class KeptTimeStrings(dict):
    def __missing__(self, name):
        unit = self[name] = KeptUnit(name)
        return unit


class KeptUnit:
    def __init__(self, name):
        self.name = name

    def __mod__(self, values):
        return unit_text(self.name, get_language(), values["num"])


# By the unit's name: Django's lazy texts compare and hash by their text, which a plural one
# does not have until it is given a number.
@lru_cache(maxsize=1024)
def unit_text(name, language, number):
    return TIME_STRINGS[name] % {"num": number}


KEPT_TIME_STRINGS = KeptTimeStrings()


@lru_cache(maxsize=256)
def best_times_html(labels):
    """The patient's chosen call times (their labels), one a line; "" for none."""
    return format_html_join(mark_safe("<br>"), "{}", ((label,) for label in labels))


@lru_cache(maxsize=16)
def overdue_mark(language):
    """What goes before the time waited of an overdue request (a safe string, so the time
    added to it is escaped)."""
    return format_html(
        '<span class="consult-overdue" title="{}">{}</span> ',
        gettext("Nobody has called yet and the call-back time has passed."),
        gettext("Overdue"),
    )


@lru_cache(maxsize=16)
def voicemail_html(language, allowed):
    if allowed:
        return gettext("Yes")
    return format_html('<strong class="consult-no-voicemail">{}</strong>', gettext("No"))


class RequestColumnsMixin:
    # A value is translated with gettext() when it is made: a lazy string in a list cell is
    # translated again at every comparison and conversion on its way to the page.

    @admin.display(description=_("request"), ordering="pk")
    def number(self, obj):
        return f"#{obj.pk}"

    @admin.display(description=_("received"), ordering="created_at")
    def received(self, obj):
        return clinic_time(obj.created_at)

    @admin.display(description=_("waiting"), ordering="-created_at")
    def waiting(self, obj):
        if not obj.is_open:
            return "—"
        waited = timesince(obj.created_at, timezone.now(), time_strings=KEPT_TIME_STRINGS)
        if getattr(obj, "is_overdue", False):
            return overdue_mark(get_language()) + conditional_escape(waited)
        return waited

    @admin.display(description=_("language"), ordering="call_language")
    def language_display(self, obj):
        """The language to call in, as the patient gave it, and whether to bring an interpreter."""
        if obj.call_language == ConsultationRequest.CallLanguage.OTHER and obj.call_language_other:
            language = obj.call_language_other
        else:
            language = choice_labels(ConsultationRequest.CallLanguage).get(
                obj.call_language, obj.call_language
            )
        if obj.interpreter:
            return gettext("%(language)s, with an interpreter") % {"language": language}
        return language

    @admin.display(description=_("call back by"))
    def call_due(self, obj):
        if obj.pk is None:
            return "—"
        local_due = in_clinic_time(obj.call_due_at)
        if local_due.hour == local_due.minute == local_due.second == 0:
            # Midnight is ambiguous to people: say which day it ends.
            end_of = clinic_time(local_due - timedelta(days=1), "DATE_FORMAT")
            due = _("end of %(day)s") % {"day": end_of}
        else:
            due = clinic_time(obj.call_due_at)
        if getattr(obj, "is_overdue", False):
            return format_html(
                '{} <span class="consult-overdue">{}</span>', due, _("Overdue: not called yet")
            )
        return due

    @admin.display(description=_("assigned to"), ordering="assigned_to__username")
    def assigned_to_display(self, obj):
        return staff_name(obj.assigned_to) or self.get_empty_value_display()

    @admin.display(description=_("best times"))
    def best_times_display(self, obj):
        return best_times_html(tuple(best_time_labels(obj))) or self.get_empty_value_display()

    @admin.display(description=_("voicemail"), ordering="voicemail_ok")
    def voicemail(self, obj):
        return voicemail_html(get_language(), bool(obj.voicemail_ok))

    # Sorting by the calls computes them for every request listed; the page's rows get them with
    # the rest of their columns (ConsultationRequestChangeList).
    @admin.display(description=_("calls"), ordering=call_count())
    def call_count(self, obj):
        # As text: Django's list would format the number for the language (the same digits for
        # any number of calls a request has) at ten times the cost.
        return str(obj.call_count)

    @admin.display(description=_("last outcome"), ordering=last_called_at())
    def last_outcome_display(self, obj):
        return outcome_label(obj.last_outcome) or self.get_empty_value_display()

    @admin.display(description=_("phone"))
    def phone_link(self, obj):
        if not obj.phone:
            return self.get_empty_value_display()
        return format_html('<a href="tel:{}">{}</a>', obj.phone, obj.phone_national)

    @admin.display(description=_("audit trail"))
    def audit_trail(self, obj):
        url = reverse("admin:consultations_auditentry_changelist")
        return format_html(
            '<a href="{}?q={}">{}</a>', url, obj.pk, _("Who has opened or changed this request")
        )
