"""Made-up consultation requests for demos and benchmarks (`manage.py seed_demo --requests N`).

Demo rows are recognisable, so they can be topped up and removed again: demo requests use the
phone numbers set aside for fiction (555-0100 to 555-0199), demo staff members have user names
starting with ``demo-``. Request number N is always generated from the same seed.
"""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify

from clinic.roles import INTAKE_STAFF

from .business_days import clinic_calendar
from .models import CallAttempt, ConsultationRequest

# North American numbers 555-0100 to 555-0199 are reserved for fiction: no patient has one.
DEMO_PHONE_REGEX = r"^\+1[2-9][0-9]{2}55501[0-9]{2}$"
AREA_CODES = ["651", "612", "763", "952", "320", "507", "218"]
BATCH_SIZE = 1000

FIRST_NAMES = [
    "María José",
    "Seán",
    "Zoë",
    "Anna-Liisa",
    "Nguyễn Thị",
    "Oluwaseun",
    "Dmitri",
    "Fatima",
    "Ingrid",
    "Chidi",
    "Aroha",
    "Jean-Luc",
    "Priya",
    "Mei",
    "Hamza",
    "Siobhán",
    "Kwame",
    "Łucja",
    "Yusuf",
    "Emily",
    "D'Andre",
    "José",
    "Astrid",
    "Thandiwe",
]
LAST_NAMES = [
    "García",
    "O'Brien",
    "Brontë-Smith",
    "Mäkinen",
    "Lan",
    "Adeyemi",
    "Ivanov",
    "Al-Sayed",
    "Johansson",
    "Okafor",
    "Ngata",
    "Picard",
    "Raman",
    "Chen",
    "Haddad",
    "Ní Bhriain",
    "Mensah",
    "Wiśniewska",
    "Demir",
    "Nelson",
    "Washington",
    "Hernández",
    "Lindqvist",
    "Dlamini",
]
NOTES = [
    "Please call after 3 pm, I work mornings.",
    "My partner may pick up; it is fine to say who you are.",
    "I prefer text first if possible.",
    "Work phone, please keep voicemail brief.",
    "Call me any day except Tuesday.",
    "I was referred by my therapist and would like to ask about cost first.",
    "Spanish speaker, English is fine too.",
]
STAFF = [
    ("demo-intake-1", "Ana", "Ortiz"),
    ("demo-intake-2", "Ben", "Kowalski"),
    ("demo-intake-3", "Chloé", "Martin"),
    ("demo-intake-4", "Dev", "Patel"),
]
ROUTINE_CLOSE_REASONS = [
    ConsultationRequest.CloseReason.NOT_INTERESTED,
    ConsultationRequest.CloseReason.REFERRED_ELSEWHERE,
    ConsultationRequest.CloseReason.DUPLICATE,
    ConsultationRequest.CloseReason.OTHER,
]
UNANSWERED = [
    CallAttempt.Outcome.NO_ANSWER,
    CallAttempt.Outcome.LEFT_VOICEMAIL,
    CallAttempt.Outcome.CALL_LATER,
]


def remove_demo_requests():
    """Delete the demo requests; return how many, and how many call attempts went with them."""
    requests = ConsultationRequest.objects.filter(phone__regex=DEMO_PHONE_REGEX)
    attempts = CallAttempt.objects.filter(request__in=requests).count()
    removed = requests.count()
    requests.delete()
    return removed, attempts


def seed_requests(wanted):
    """Top the demo requests up to `wanted`; return a line saying what was done."""
    demo = ConsultationRequest.objects.filter(phone__regex=DEMO_PHONE_REGEX)
    have = demo.count()
    if wanted <= have:
        return f"Requests: {have} demo requests already there, none created." if wanted else ""
    staff = demo_staff()
    now = timezone.now()
    calendar = clinic_calendar()
    rows = []
    attempts_by_row = []
    for number in range(have + 1, wanted + 1):
        rng = random.Random(f"request-{number}")  # noqa: S311
        request, attempts = demo_request(rng, staff, now, calendar)
        rows.append(request)
        attempts_by_row.append(attempts)
    created = ConsultationRequest.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    attempts = []
    for request, request_attempts in zip(created, attempts_by_row, strict=True):
        for attempt in request_attempts:
            attempt.request = request
            attempts.append(attempt)
    CallAttempt.objects.bulk_create(attempts, batch_size=BATCH_SIZE)
    return (
        f"Requests: {len(created)} created with {len(attempts)} call attempts, "
        f"{have} already there ({ConsultationRequest.objects.open().count()} open in total)."
    )


def demo_staff():
    user_model = get_user_model()
    group = Group.objects.filter(name=INTAKE_STAFF).first()
    staff = []
    for username, first_name, last_name in STAFF:
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@example.com",
                "is_staff": True,
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            if group:
                user.groups.add(group)
        staff.append(user)
    return staff


def demo_request(rng, staff, now, calendar):
    """One request and its call attempts, their state in keeping with the request's age."""
    status_type = ConsultationRequest.Status
    # Mostly recent requests, with a long tail over a year and a half.
    age = timedelta(hours=min(rng.expovariate(1 / 2000), 13_000))
    created_at = now - age
    if age < timedelta(days=1):
        status = rng.choices([status_type.NEW, status_type.CONTACTING], [7, 3])[0]
    elif age < timedelta(days=14):
        status = rng.choices(
            list(status_type),
            [1, 4, 3, 1, 3],  # new, contacting, scheduled, not a fit, closed
        )[0]
    else:
        status = rng.choices(list(status_type), [0, 0.2, 0.3, 2, 16])[0]
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    request = ConsultationRequest(
        name=f"{first} {last}",
        phone=f"+1{rng.choice(AREA_CODES)}55501{rng.randint(0, 99):02d}",
        email=f"{slugify(first)}.{slugify(last)}{rng.randint(1, 99)}@example.com"
        if rng.random() < 0.7
        else "",
        best_times=sorted(rng.sample(list(ConsultationRequest.CallTime), rng.randint(1, 3))),
        voicemail_ok=rng.random() < 0.6,
        note=rng.choice(NOTES) if rng.random() < 0.3 else "",
        heard_about=rng.choice([*ConsultationRequest.HeardAbout, ""]),
        status=status,
        created_at=created_at,
        notified_at=created_at + timedelta(seconds=rng.randint(2, 90)),
    )
    if status != status_type.NEW or rng.random() < 0.5:
        request.assigned_to = rng.choice(staff)
    attempts = []
    if status == status_type.NEW:
        return request, attempts
    caller = request.assigned_to
    reason = rng.choice(ROUTINE_CLOSE_REASONS)
    if status in (status_type.SCHEDULED, status_type.NOT_A_FIT) or (
        status == status_type.CLOSED and rng.random() < 0.6
    ):
        outcomes = [*rng.choices(UNANSWERED, k=rng.randint(0, 2)), CallAttempt.Outcome.REACHED]
        reason = ConsultationRequest.CloseReason.CONSULTATION_HELD
    elif status == status_type.CLOSED and rng.random() < 0.5:
        outcomes = rng.choices(UNANSWERED, k=3)
        reason = ConsultationRequest.CloseReason.UNREACHABLE
    elif rng.random() < 0.05:
        outcomes = [CallAttempt.Outcome.WRONG_NUMBER]
    else:
        outcomes = rng.choices(UNANSWERED, k=rng.randint(1, 3))
    # Spread the calls over the time the request has been open.
    span = min(age, timedelta(days=10))
    moments = sorted(rng.uniform(0.05, 0.95) for _ in outcomes)
    for moment, outcome in zip(moments, outcomes, strict=True):
        attempts.append(
            CallAttempt(
                called_at=created_at + span * moment,
                called_by=caller,
                outcome=outcome,
                notes=rng.choice(["", "", "Asked for a call next week.", "Line busy."]),
            )
        )
    if status == status_type.CLOSED:
        request.close(reason=reason, now=created_at + span)
    else:
        request.sync_closed_at(now=created_at + span)
    if attempts:
        request.record_first_call(attempts[0].called_at, calendar)
    return request, attempts
