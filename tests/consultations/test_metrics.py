"""The figures of "How we're doing" against ones worked out by hand, and the page's queries."""

import re
import statistics
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations import metrics, services
from consultations.models import CallAttempt, ConsultationRequest

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=CHICAGO)  # a Wednesday
METRICS = reverse("admin:consultations_metrics")
Status = ConsultationRequest.Status


def page_queries(client, url):
    """The queries a page runs, without the savepoints the test's own transaction adds."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return sum(
        1
        for query in captured.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    )


def local(*args):
    return datetime(*args, tzinfo=CHICAGO)


@pytest.fixture(autouse=True)
def opening_hours(settings):
    settings.CLINIC_OPENING_HOURS = "09:00-17:00"


@pytest.fixture
def seeded(make_consultation):
    """Seven requests whose figures are worked out by hand below."""

    def make(received, first_call=None, phone_end=0, **fields):
        consultation = make_consultation(
            created_at=received, phone=f"+1651555{1000 + phone_end}", **fields
        )
        if first_call is not None:
            CallAttempt.objects.create(
                request=consultation, called_at=first_call, outcome=CallAttempt.Outcome.REACHED
            )
            services.record_first_call(consultation=consultation)
        return consultation

    # A: Monday 10:00, called 11:00 → 1 h, on time.
    make(
        local(2026, 11, 30, 10),
        local(2026, 11, 30, 11),
        1,
        status=Status.CONTACTING,
        heard_about="search",
    )
    # B: Friday 16:00, called Monday 10:00 → 1 h + 1 h, on time (due Monday 16:00).
    make(
        local(2026, 11, 27, 16),
        local(2026, 11, 30, 10),
        2,
        status=Status.SCHEDULED,
        heard_about="friend",
    )
    # C: Wednesday before Thanksgiving 10:00, called Monday 10:00 → 7 h + 8 h + 1 h, late.
    make(
        local(2026, 11, 25, 10),
        local(2026, 11, 30, 10),
        3,
        status=Status.CLOSED,
        close_reason="unreachable",
    )
    # D: Tuesday 24th 09:00, never called: past its deadline, so due and not kept.
    make(local(2026, 11, 24, 9), None, 4, heard_about="clinician")
    # E: yesterday 14:00, never called, deadline today 14:00: not due yet.
    make(local(2026, 12, 1, 14), None, 5)
    # G: 5 October 10:00, called 10:30 → 30 min, on time; not a fit.
    make(
        local(2026, 10, 5, 10),
        local(2026, 10, 5, 10, 30),
        7,
        status=Status.NOT_A_FIT,
        heard_about="insurance",
    )
    # F: before the 12 weeks (they start Monday 14 September): counted nowhere.
    make(
        local(2026, 9, 11, 10),
        local(2026, 9, 11, 10, 5),
        6,
        status=Status.CLOSED,
        close_reason="duplicate",
        heard_about="other",
    )


def test_figures_match_the_hand_computed_ones(seeded):
    period = metrics.Period.ending(NOW)
    assert period.start == local(2026, 9, 14)

    rows = metrics.breakdown(period)
    weekly = dict(metrics.requests_per_week(rows, period))
    assert len(weekly) == 12
    assert weekly[date(2026, 11, 30)] == 2  # A, E
    assert weekly[date(2026, 11, 23)] == 3  # B, C, D
    assert weekly[date(2026, 10, 5)] == 1  # G
    assert sum(weekly.values()) == 6

    # Business seconds 3600, 7200, 57600, 1800: the median is (3600 + 7200) / 2.
    assert metrics.median_seconds_to_first_call(period) == 5400
    # Kept: A, B, G. Due: A, B, C, G called, and D waiting past its deadline.
    assert metrics.first_calls(period, NOW) == {"kept": 3, "due": 5, "timed": 4, "median": 5400}

    assert metrics.outcomes(rows) == [
        ("New", 2),
        ("Contacting", 1),
        ("Scheduled", 1),
        ("Consultation held", 0),
        ("No longer interested", 0),
        ("Could not be reached", 1),
        ("Referred elsewhere", 0),
        ("Duplicate request", 0),
        ("Asked not to be called", 0),
        ("Other", 0),
        ("Not a fit", 1),
    ]
    assert metrics.heard_about(rows) == [
        ("Internet search", 1),
        ("My doctor or therapist", 1),
        ("Friend or family", 1),
        ("Insurance directory", 1),
        ("Other", 0),
        ("Not said", 2),
    ]


def test_median_of_an_odd_count_and_of_none(make_consultation):
    period = metrics.Period.ending(NOW)
    assert metrics.median_seconds_to_first_call(period) is None
    for minutes in (10, 50, 30):
        consultation = make_consultation(created_at=local(2026, 11, 30, 9))
        CallAttempt.objects.create(
            request=consultation,
            called_at=local(2026, 11, 30, 9) + timedelta(minutes=minutes),
            outcome=CallAttempt.Outcome.NO_ANSWER,
        )
        services.record_first_call(consultation=consultation)
    assert metrics.median_seconds_to_first_call(period) == 30 * 60


def table(html, slug):
    section = html.split(f'id="chart-{slug}-heading"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+)</td>', section)
    return section, {label: value for label, value in rows}


@pytest.fixture
def page_at(staff_client_for, intake_user):
    """The page as intake staff see it at a given moment (signed in at that moment too)."""

    def get(moment):
        with time_machine.travel(moment, tick=False):
            return staff_client_for(intake_user).get(METRICS)

    return get


def test_the_page_shows_each_chart_as_svg_and_the_same_figures_in_a_table(seeded, page_at):
    response = page_at(NOW)
    html = response.text
    assert response.status_code == 200
    assert "1 h 30 min" in html and "60% (3 of 5)" in html
    for slug in ("weekly", "promise", "outcomes", "heard"):
        section, figures = table(html, slug)
        svg = section.split("<svg", 1)[1].split("</svg>", 1)[0]
        assert 'role="img"' in svg
        assert f'aria-labelledby="chart-{slug}-title chart-{slug}-desc"' in svg
        assert f'<title id="chart-{slug}-title">' in svg and f'<desc id="chart-{slug}-desc">' in svg
        # Every figure in the table is a bar with the same label and value in the chart.
        bars = re.findall(
            r'text-anchor="end">([^<]+)</text>\s*<rect[^>]*></rect>\s*<text[^>]*>([^<]+)<', svg
        )
        assert dict(bars) == figures
    assert table(html, "weekly")[1]["Nov 23, 2026"] == "3"
    assert table(html, "promise")[1] == {"Within the promise": "3", "Later, or not yet": "2"}
    outcomes = table(html, "outcomes")[1]
    assert outcomes["Open: New"] == "2" and outcomes["Closed: Could not be reached"] == "1"
    assert table(html, "heard")[1]["Not said"] == "2"
    # Within the strict CSP: no inline styles or scripts.
    assert " style=" not in html and "<style" not in html


def test_bars_are_as_long_as_their_share_of_the_largest(seeded, page_at):
    html = page_at(NOW).text
    section, _ = table(html, "weekly")
    widths = [int(w) for w in re.findall(r'class="consult-chart-bar"[^>]*width="(\d+)"', section)]
    assert max(widths) == 330 and sorted(set(widths)) == [0, 110, 220, 330]


def test_only_intake_staff_and_superusers_see_the_page(
    intake_client, admin_client, staff_client_for, make_staff_user
):
    editor = staff_client_for(make_staff_user("editor", groups=["Content editors"]))
    assert intake_client.get(METRICS).status_code == 200
    assert admin_client.get(METRICS).status_code == 200
    assert editor.get(METRICS).status_code == 403


def test_the_page_runs_a_fixed_number_of_queries(intake_client):
    """Every figure is an aggregate in the database: the count stays the same however many
    requests there are (at most 12, sign-in and session included)."""
    counts = []
    for wanted in (50, 400):
        call_command("seed_demo", questions=0, requests=wanted, force=True, stdout=StringIO())
        counts.append(page_queries(intake_client, METRICS))
    assert counts[0] == counts[1] <= 12


def test_figures_agree_with_seed_demo_rows_counted_in_python():
    """On seed_demo's data: each figure recomputed from the rows themselves."""
    call_command("seed_demo", questions=0, requests=400, force=True, stdout=StringIO())
    now = datetime.now(CHICAGO)
    period = metrics.Period.ending(now)
    rows = list(
        ConsultationRequest.objects.filter(created_at__gte=period.start, created_at__lte=now)
    )
    seconds = [r.business_seconds_to_first_call for r in rows if r.first_called_at]
    assert seconds, "seed_demo stores the business time to each first call"
    assert metrics.median_seconds_to_first_call(period) == pytest.approx(statistics.median(seconds))
    breakdown = metrics.breakdown(period)
    assert sum(n for _week, n in metrics.requests_per_week(breakdown, period)) == len(rows)
    figures = metrics.first_calls(period, now)
    assert figures["kept"] == sum(1 for r in rows if r.first_call_on_time)
    assert figures["timed"] == len(seconds)
    assert figures["median"] == pytest.approx(statistics.median(seconds))
    assert sum(n for _label, n in metrics.outcomes(breakdown)) == len(rows)
    assert sum(n for _label, n in metrics.heard_about(breakdown)) == len(rows)
    assert dict(metrics.outcomes(breakdown))["Not a fit"] == sum(
        1 for r in rows if r.status == Status.NOT_A_FIT
    )
