"""The form's and the request list's targets, measured at every data size in TARGET_SIZES.

At each size (seed_demo tops the demo requests up to it): Django CPU per request (median, this
process, database server excluded) of the form page, a valid and an invalid submission, the
admin request list and the admin page of a request with 20 logged calls; their queries; and the
request list's latency for one staff member under gunicorn (wrk, 1 connection, median of the
rounds). Figures the report compares with the targets in config.py.

The minimal view is measured with them, its requests taking turns with theirs: the figures are
scaled to the machine the targets were set on by its cost at the same moment, which a shared
machine's other work moves over a run of several minutes. The Django CPU is measured in
TARGET_RUNS runs; each figure is the median of the runs, and scaled, the median of each run's
figure scaled by that run's minimal view.
"""

import statistics
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode

from .config import ROUNDS, SECONDS, TARGET_RUNS, TARGET_SIZES, log
from .in_process import count_queries, django_cpu_ms, seed
from .load import combine, run_wrk

CALLS_ON_CHANGE_PAGE = 20
# What the invalid submission sends (the valid one sends the form's own answers).
TARGET_BODIES = {"invalid": "name="}


def request_with_calls():
    """A demo request with exactly CALLS_ON_CHANGE_PAGE call attempts logged."""
    from django.utils import timezone

    from consultations.models import CallAttempt, ConsultationRequest

    consultation = (
        ConsultationRequest.objects.filter(personal_data_purged_at__isnull=True)
        .order_by("-pk")
        .first()
    )
    have = consultation.call_attempts.count()
    now = timezone.now()
    CallAttempt.objects.bulk_create(
        CallAttempt(
            request=consultation,
            called_at=now - timedelta(hours=number + 1),
            outcome=CallAttempt.Outcome.NO_ANSWER,
        )
        for number in range(max(CALLS_ON_CHANGE_PAGE - have, 0))
    )
    return consultation


def without_consent(post_body):
    """The valid submission with the consent box left unticked: every answer typed, one error."""
    return urlencode([(name, value) for name, value in parse_qsl(post_body) if name != "consent"])


def analyze():
    """Fresh planner statistics after a large seed, as autovacuum would soon give them, and the
    new rows vacuumed: otherwise autovacuum starts on them while the pages are measured and
    takes a core from them."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")


def target_pages(pages):
    from django.conf import settings

    consultation = request_with_calls()
    change = f"/{settings.ADMIN_URL}consultations/consultationrequest/{consultation.pk}/change/"
    return [
        pages["consultation"],
        pages["post"],
        {
            "key": "invalid",
            "label": "/consultation/ POST, invalid",
            "path": "/consultation/",
            "method": "POST",
            "status": 200,
        },  # fmt: skip
        pages["admin"],
        {
            "key": "change",
            "label": "admin page of a request with 20 calls",
            "path": change,
            "method": "GET",
            "admin": True,
        },  # fmt: skip
    ]


def admin_latency(server, page, cookie):
    headers = {"Cookie": f"{cookie[0]}={cookie[1]}"}
    runs = [run_wrk(server, page["path"], SECONDS, 1, headers=headers) for _ in range(ROUNDS)]
    return combine(runs)


def cpu_figure(runs, key):
    """A page's Django CPU: the median of the runs, and each run's figure."""
    each = [run[key] for run in runs]
    return {"cpu_ms": statistics.median(each), "runs_ms": each}


def measure_targets(server, pages, cookie, post_body):
    """{size: {page key: {"cpu_ms", "queries"}, "list_latency": {...}}} for every size."""
    results = {}
    for size in TARGET_SIZES:
        log(f"targets at {size:,} requests: seeding")
        seed({"questions": 200, "requests": size})
        analyze()
        measured = [
            {**page, "body": TARGET_BODIES.get(page["key"], post_body)}
            for page in target_pages(pages)
        ]
        invalid = next(page for page in measured if page["key"] == "invalid")
        measured.append({**invalid, "key": "invalid_typed", "body": without_consent(post_body)})
        queries = count_queries(measured, cookie)
        runs = [
            django_cpu_ms([pages["minimal"], *measured], cookie, repeat=100)
            for _ in range(TARGET_RUNS)
        ]
        results[size] = {
            page["key"]: {**cpu_figure(runs, page["key"]), "queries": queries[page["key"]]}
            for page in measured
        }
        results[size]["minimal"] = cpu_figure(runs, "minimal")
        log(f"targets at {size:,} requests: the request list for one staff member")
        results[size]["list_latency"] = admin_latency(server, pages["admin"], cookie)
    return results
