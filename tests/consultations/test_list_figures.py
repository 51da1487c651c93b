"""The request list's computed columns, worked out for a page of rows (add_list_figures), give
the same answers as the database's rules that the list's filters and the export use
(with_call_summary, with_contact_flags)."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from consultations.business_days import subtract_business_days
from consultations.models import CallAttempt, ConsultationRequest, DoNotContact, number_key
from consultations.models.querysets import add_list_figures

Status = ConsultationRequest.Status
FIGURES = [
    "call_count",
    "last_outcome",
    "last_called_at",
    "is_overdue",
    "ready_to_close",
    "same_number_count",
    "do_not_contact",
]
NUMBERS = ["+16515550101", "+16515550102", "+16515550103", "+16515550104", ""]


def varied_requests(now, count):
    """Requests of every status, age, booking and calling history, some sharing a number."""
    chooser = random.Random(20261130)
    requests = []
    for _ in range(count):
        status = chooser.choice(list(Status))
        requests.append(
            ConsultationRequest(
                name="Figure Test",
                voicemail_ok=True,
                phone=chooser.choice(NUMBERS),
                status=status,
                close_reason="duplicate" if status == Status.CLOSED else "",
                created_at=now - timedelta(hours=chooser.randint(0, 24 * 500)),
                call_at=chooser.choice([None, now + timedelta(hours=chooser.randint(-72, 72))]),
            )
        )
    for request in requests:
        request.save()
        for _ in range(chooser.choice([0, 0, 1, 2, 3, 4, 6])):
            CallAttempt.objects.create(
                request=request,
                called_at=now - timedelta(hours=chooser.randint(0, 24 * 5)),
                outcome=chooser.choice(list(CallAttempt.Outcome)),
            )
    DoNotContact.objects.create(number_key=number_key(NUMBERS[1]), request_id=requests[0].pk)
    return requests


def edge_cases(now, settings):
    """Requests on the edges of each rule, where a rule off by one would tell."""
    cutoff = subtract_business_days(now, settings.CONSULTATION_OVERDUE_BUSINESS_DAYS)
    # A minute either side of midnight, clinic time, yesterday: two clinic days or one.
    midnight = timezone.localtime(now, timezone.get_default_timezone()).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    hours_ago = (now - midnight).total_seconds() / 3600
    before, after = hours_ago + 1 / 60, hours_ago - 1 / 60
    since = now - timedelta(days=settings.CONSULTATION_SAME_NUMBER_DAYS)
    unanswered = CallAttempt.Outcome.NO_ANSWER
    cases = [
        # (received, booked call, calls as hours ago and outcome)
        (cutoff, None, []),  # due this very moment
        (cutoff + timedelta(seconds=1), None, []),
        (now - timedelta(days=30), now, []),  # the booked time is now
        (now - timedelta(days=30), now + timedelta(seconds=1), []),
        (since, None, []),  # on the first day the same-number count looks back to
        (since - timedelta(seconds=1), None, []),
        (now, None, [(1, unanswered), (2, unanswered), (3, unanswered)]),  # one day only
        (now, None, [(1, unanswered), (2, unanswered), (49, unanswered)]),  # two days
        (now, None, [(1, unanswered), (49, unanswered)]),  # too few
        (now, None, [(1, unanswered), (2, unanswered), (49, unanswered), (50, "reached")]),
        (now, None, [(before, unanswered), (after, unanswered), (after, unanswered)]),
        (now, None, [(after, unanswered), (after + 0.01, unanswered), (after, unanswered)]),
    ]
    requests = []
    for received, call_at, calls in cases:
        request = ConsultationRequest.objects.create(
            name="Edge Case",
            phone=NUMBERS[3],
            voicemail_ok=True,
            created_at=received,
            call_at=call_at,
        )
        for hours, outcome in calls:
            CallAttempt.objects.create(
                request=request, called_at=now - timedelta(hours=hours), outcome=outcome
            )
        requests.append(request)
    return requests


@pytest.mark.django_db
def test_the_list_figures_match_the_database_rules(settings):
    settings.CONSULTATION_SAME_NUMBER_DAYS = 200
    now = timezone.now()
    made = [*varied_requests(now, 120), *edge_cases(now, settings)]
    ids = [request.pk for request in made]
    annotated = {
        request.pk: request
        for request in ConsultationRequest.objects.filter(pk__in=ids)
        .with_call_summary(now)
        .with_contact_flags(now)
    }
    page = list(ConsultationRequest.objects.filter(pk__in=ids).order_by("pk"))
    add_list_figures(page, now)

    for request in page:
        expected = {name: getattr(annotated[request.pk], name) for name in FIGURES}
        assert {name: getattr(request, name) for name in FIGURES} == expected, request.pk
    # The requests cover every case of each rule, so the comparison above means something.
    for flag in ("is_overdue", "ready_to_close", "do_not_contact"):
        assert {getattr(request, flag) for request in page} == {True, False}, flag
    assert {request.call_count for request in page} >= {0, 1, 2, 3, 4, 6}
    assert len({request.same_number_count for request in page}) > 3


@pytest.mark.django_db
def test_an_empty_page_needs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        add_list_figures([])
