"""How a request's people and choices read to staff, on screen and in the export."""

from functools import cache

from django.utils.translation import get_language

from .models import CallAttempt, ConsultationRequest


def staff_name(user):
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


@cache
def _choice_labels(choices, language):
    return {value: str(label) for value, label in choices.choices}


def choice_labels(choices):
    """A ``TextChoices``' labels by value, translated once per language rather than per row."""
    return _choice_labels(choices, get_language())


def outcome_label(outcome):
    if not outcome:
        return ""
    return choice_labels(CallAttempt.Outcome).get(outcome, outcome)


def best_time_labels(consultation):
    """The patient's chosen call times in words, in the order the form shows them."""
    labels = choice_labels(ConsultationRequest.CallTime)
    times = consultation.best_times if isinstance(consultation.best_times, list) else []
    return [str(labels.get(time, time)) for time in map(str, times)]
