"""Consultation requests as a CSV file staff can open in a spreadsheet."""

import csv

from django.http import HttpResponse
from django.utils import timezone

from .clinic_time import clinic_time, in_clinic_time
from .display import best_time_labels, outcome_label, staff_name

# Characters that make a spreadsheet treat a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = [
    "Request",
    "Received",
    "Status",
    "Reason for closing",
    "Closed",
    "Assigned to",
    "Name",
    "Phone",
    "Email",
    "Best times",
    "Voicemail allowed",
    "Heard about us",
    "Calls",
    "Last outcome",
]


def spreadsheet_safe(value):
    """A CSV cell a spreadsheet will show as text, never run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def row(consultation):
    """One request's cells, in the order of COLUMNS (with the call summary annotated)."""
    return [
        consultation.pk,
        clinic_time(consultation.created_at),
        consultation.get_status_display(),
        consultation.get_close_reason_display(),
        clinic_time(consultation.closed_at),
        staff_name(consultation.assigned_to),
        consultation.name,
        consultation.phone_national,
        consultation.email,
        ", ".join(best_time_labels(consultation)),
        "yes" if consultation.voicemail_ok else "no",
        consultation.get_heard_about_display(),
        consultation.call_count,
        outcome_label(consultation.last_outcome),
    ]


def csv_response(consultations):
    """A download of the requests, named for the clinic-time moment it was made."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = in_clinic_time(timezone.now())
    response["Content-Disposition"] = (
        f'attachment; filename="consultation-requests-{stamp:%Y-%m-%d-%H%M}.csv"'
    )
    response["Cache-Control"] = "no-store"
    # A byte order mark lets spreadsheet programs read accented names correctly.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(COLUMNS)
    for consultation in consultations:
        writer.writerow(spreadsheet_safe(value) for value in row(consultation))
    return response
