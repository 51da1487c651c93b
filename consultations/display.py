"""How a request's people and choices read to staff, on screen and in the export."""

from .models import CallAttempt, ConsultationRequest


def staff_name(user):
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def outcome_label(outcome):
    if not outcome:
        return ""
    return str(dict(CallAttempt.Outcome.choices).get(outcome, outcome))


def best_time_labels(consultation):
    """The patient's chosen call times in words, in the order the form shows them."""
    labels = dict(ConsultationRequest.CallTime.choices)
    times = consultation.best_times if isinstance(consultation.best_times, list) else []
    return [str(labels.get(time, time)) for time in times]
