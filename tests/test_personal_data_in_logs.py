"""No personal data in logs or error reports."""

import sys

from django.views.debug import ExceptionReporter

from clinic.security import PersonalDataExceptionReporterFilter

DISTINCTIVE = {
    "name": "Zebulon Quillfeather-Øyvindsdóttir",
    "phone": "(651) 555-0199",
    "email": "zq.distinctive@example.org",
    "note": "Please ask for Marmaduke after three on Tuesdays",
}


def test_error_reports_leave_out_submitted_values_and_local_variables(rf):
    """An error report (mailed to admins or shown in DEBUG) carries no posted value or local."""
    request = rf.post("/consultation/", DISTINCTIVE)
    patient_name = DISTINCTIVE["name"]  # a local variable in the failing frame
    try:
        raise ValueError("could not store the request")
    except ValueError:
        exc_type, exc_value, traceback = sys.exc_info()
    reporter = ExceptionReporter(request, exc_type, exc_value, traceback)
    for report in (reporter.get_traceback_text(), reporter.get_traceback_html()):
        assert "could not store the request" in report
        for value in [*DISTINCTIVE.values(), patient_name]:
            assert value not in report
            assert value.replace(" ", "+") not in report


def test_reporter_filter_is_the_default():
    """Django uses the filter for every error report."""
    from django.views.debug import get_default_exception_reporter_filter

    assert isinstance(get_default_exception_reporter_filter(), PersonalDataExceptionReporterFilter)
