"""The figures behind the staff home and "How we're doing", aggregated in the database."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import connection, models
from django.db.models.functions import TruncWeek
from django.utils import timezone

from .business_days import subtract_business_days, to_aware, to_local_naive
from .models import ConsultationRequest

WEEKS = 12


class PercentileCont(models.Aggregate):
    """PostgreSQL's ``percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)``."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = models.FloatField()

    def __init__(self, expression, fraction, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


@dataclass(frozen=True)
class Period:
    """The last WEEKS whole weeks up to now, Monday to Sunday in clinic time."""

    start: datetime
    end: datetime

    @classmethod
    def ending(cls, now):
        local = to_local_naive(now)
        this_monday = local.date() - timedelta(days=local.weekday())
        start = datetime.combine(this_monday - timedelta(weeks=WEEKS - 1), time.min)
        return cls(start=to_aware(start), end=now)

    def week_starts(self):
        first = to_local_naive(self.start).date()
        return [first + timedelta(weeks=week) for week in range(WEEKS)]


def requests_in(period):
    return ConsultationRequest.objects.filter(
        created_at__gte=period.start, created_at__lte=period.end
    ).order_by()


def breakdown(period):
    """Request counts by week received, status, reason for closing and how they heard about us,
    in one query: the rows behind :func:`requests_per_week`, :func:`outcomes` and
    :func:`heard_about`."""
    week = TruncWeek("created_at", tzinfo=timezone.get_default_timezone())
    return [
        (to_local_naive(received).date(), status, reason, heard, count)
        for received, status, reason, heard, count in requests_in(period)
        .annotate(week=week)
        .values_list("week", "status", "close_reason", "heard_about")
        .annotate(count=models.Count("pk"))
    ]


def requests_per_week(rows, period):
    """[(Monday of the week, number of requests received that week)], oldest first."""
    counts = {}
    for week, _status, _reason, _heard, count in rows:
        counts[week] = counts.get(week, 0) + count
    return [(week, counts.get(week, 0)) for week in period.week_starts()]


def first_calls(period, now):
    """The first-call figures in one query: kept (first called within the promise), due (those
    called plus those still waiting past their deadline), timed (with a business time) and, on
    PostgreSQL, the median business time to the first call (percentile_cont)."""
    cutoff = subtract_business_days(now, settings.CONSULTATION_OVERDUE_BUSINESS_DAYS)
    waiting_past_deadline = models.Q(
        first_called_at__isnull=True,
        status__in=ConsultationRequest.AWAITING_CALL_STATUSES,
        created_at__lte=cutoff,
    )
    aggregates = {
        "kept": models.Count("pk", filter=models.Q(first_call_on_time=True)),
        "called": models.Count("pk", filter=models.Q(first_call_on_time__isnull=False)),
        "waiting": models.Count("pk", filter=waiting_past_deadline),
        "timed": models.Count("business_seconds_to_first_call"),
    }
    if connection.vendor == "postgresql":
        aggregates["median"] = PercentileCont("business_seconds_to_first_call", 0.5)
    figures = requests_in(period).aggregate(**aggregates)
    median = (
        figures["median"] if "median" in figures else median_by_offset(period, figures["timed"])
    )
    return {
        "kept": figures["kept"],
        "due": figures["called"] + figures["waiting"],
        "timed": figures["timed"],
        "median": median,
    }


def median_seconds_to_first_call(period):
    """The median business time from request to first call, in seconds (None if none called)."""
    called = requests_in(period).filter(business_seconds_to_first_call__isnull=False)
    if connection.vendor == "postgresql":
        return called.aggregate(median=PercentileCont("business_seconds_to_first_call", 0.5))[
            "median"
        ]
    return median_by_offset(period, called.count())


def median_by_offset(period, count):
    """The median of the ``count`` business times in the period: the middle one or two values,
    read with an ordered offset (for databases without percentile_cont)."""
    if count == 0:
        return None
    ordered = (
        requests_in(period)
        .filter(business_seconds_to_first_call__isnull=False)
        .order_by("business_seconds_to_first_call")
        .values_list("business_seconds_to_first_call", flat=True)
    )
    middle = list(ordered[(count - 1) // 2 : count // 2 + 1])
    return sum(middle) / len(middle)


def outcomes(rows):
    """[(label, count)]: each open status, then each reason for closing, then "not a fit"."""
    by_status, by_reason = {}, {}
    for _week, status, reason, _heard, count in rows:
        by_status[status] = by_status.get(status, 0) + count
        if status == ConsultationRequest.Status.CLOSED:
            by_reason[reason] = by_reason.get(reason, 0) + count
    figures = [
        (str(status.label), by_status.get(status, 0))
        for status in ConsultationRequest.OPEN_STATUSES
    ]
    figures += [
        (str(reason.label), by_reason.get(reason, 0)) for reason in ConsultationRequest.CloseReason
    ]
    not_a_fit = ConsultationRequest.Status.NOT_A_FIT
    figures.append((str(not_a_fit.label), by_status.get(not_a_fit, 0)))
    return figures


def heard_about(rows):
    """[(label, count)] for each answer to "how did you hear about us", then "not said"."""
    counts = {}
    for _week, _status, _reason, heard, count in rows:
        counts[heard] = counts.get(heard, 0) + count
    figures = [
        (str(choice.label), counts.get(choice, 0)) for choice in ConsultationRequest.HeardAbout
    ]
    figures.append(("Not said", counts.get("", 0)))
    return figures


def intake_summary(*, user, now):
    """The staff home's call-back figures, in one query over open requests only (the index on
    status and received time finds them without reading the closed ones)."""
    open_requests = ConsultationRequest.objects.open().order_by()
    return open_requests.aggregate(
        open=models.Count("pk"),
        overdue=models.Count("pk", filter=open_requests.overdue_q(now)),
        unassigned=models.Count("pk", filter=models.Q(assigned_to__isnull=True)),
        mine=models.Count("pk", filter=models.Q(assigned_to=user.pk if user is not None else None)),
        not_reached=models.Count("pk", filter=open_requests.unanswered_q()),
        oldest_new=models.Min("created_at", filter=models.Q(status=ConsultationRequest.Status.NEW)),
    )
