"""No personal data in logs or error reports."""

import subprocess
import sys

from django.views.debug import ExceptionReporter

from clinic.security import PersonalDataExceptionReporterFilter

from ..servers import BASE_DIR, free_port
from ..typed_form import PERSONAL_FRAGMENTS, TYPED
from .support import csrf_token_in

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


def test_a_request_leaves_no_personal_data_in_any_log(production_site):
    """Through gunicorn with production settings: a request sent, sent twice, sent with mistakes,
    sent with a stale token and searched for, then the notification worker run; the application,
    error and access logs and the worker's output hold none of what the patient typed."""
    site = production_site
    patient = {}
    token = csrf_token_in(site.request("GET", "/consultation/", cookies=patient).text)
    posted = {**TYPED, "csrfmiddlewaretoken": token}

    assert site.request("POST", "/consultation/", form=posted, cookies=patient).status == 302
    assert site.request("POST", "/consultation/", form=posted, cookies=patient).status == 302
    mistakes = {**posted, "email": "siobhan.quillfeather@", "phone": "555-0142 ext Shiv"}
    assert site.request("POST", "/consultation/", form=mistakes, cookies=patient).status == 200
    stale = {**posted, "csrfmiddlewaretoken": "x" * 32}
    assert site.request("POST", "/consultation/", form=stale, cookies={}).status == 403
    assert site.request("GET", "/faq/?q=Siobh%C3%A1n+Marmaduke").status == 200

    worker = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"],
        cwd=BASE_DIR,
        env={**site.env, "EMAIL_URL": f"smtp://127.0.0.1:{free_port()}", "LOG_LEVEL": "DEBUG"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    logs = site.access_and_error_log + worker.stdout + worker.stderr

    # The logs were captured: the submissions, the refusals and the application's own lines.
    assert '"POST /consultation/ HTTP/1.1" 302' in logs
    assert '"POST /consultation/ HTTP/1.1" 403' in logs
    assert "Request #" in logs and "received." in logs
    assert "notify_staff_of_request" in logs
    for fragment in PERSONAL_FRAGMENTS:
        assert fragment not in logs, fragment
