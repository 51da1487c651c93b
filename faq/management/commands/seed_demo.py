"""Fill a database with made-up but realistic content: FAQ questions and consultation requests.

Demo rows are recognisable, so the command can top them up and remove them again:
- demo categories and questions have slugs starting with ``demo-``;
- demo requests use the phone numbers set aside for fiction (555-0100 to 555-0199);
- demo staff members have user names starting with ``demo-``.

Content is generated from a fixed seed, so demo question number 17 is always the same question.
"""

import random
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from consultations.business_days import clinic_calendar
from consultations.models import CallAttempt, ConsultationRequest, number_key
from faq.markdown import render_markdown
from faq.models import Category, Question

DEMO_PREFIX = "demo-"
# North American numbers 555-0100 to 555-0199 are reserved for fiction: no patient has one.
DEMO_PHONE_REGEX = r"^\+1[2-9][0-9]{2}55501[0-9]{2}$"
AREA_CODES = ["651", "612", "763", "952", "320", "507", "218"]
BATCH_SIZE = 1000

# (name, question templates, subjects). Every template is combined with every subject.
CATEGORIES = [
    (
        "Costs and insurance",
        [
            "Does insurance cover {}?",
            "How much does {} cost?",
            "Can I pay for {} with an HSA or FSA?",
            "Do you offer a sliding scale for {}?",
            "Will I get a superbill for {}?",
        ],
        [
            "the first consultation",
            "a medication session",
            "integration therapy",
            "the medical screening",
            "couples sessions",
            "follow-up visits",
            "group sessions",
            "the intake assessment",
            "a missed appointment",
            "a phone consultation",
        ],
    ),
    (
        "Preparing for a session",
        [
            "What should I eat before {}?",
            "Can I drive myself to {}?",
            "What should I bring to {}?",
            "How should I prepare emotionally for {}?",
            "Should I keep taking my usual medication before {}?",
        ],
        [
            "my first medication session",
            "a booster session",
            "an evening appointment",
            "a longer session",
            "a session after a break",
            "a telehealth check-in",
            "the screening visit",
            "a session on a workday",
            "a session with my partner present",
        ],
    ),
    (
        "During a session",
        [
            "What happens during {}?",
            "Who stays with me during {}?",
            "Can I stop {} if I feel uncomfortable?",
            "Will I be able to talk during {}?",
            "How is my safety monitored during {}?",
        ],
        [
            "the dosing part of a session",
            "an integration conversation",
            "a music-guided session",
            "the first hour",
            "the recovery period",
            "a couples session",
            "the last half hour",
            "a session with an eye mask on",
        ],
    ),
    (
        "After a session",
        [
            "How will I feel after {}?",
            "When can I go back to work after {}?",
            "What is integration after {}?",
            "Who can I call after {}?",
            "Can I exercise after {}?",
        ],
        [
            "a medication session",
            "an intense session",
            "the last session of a series",
            "a session that brought up old memories",
            "a booster session",
            "a difficult week",
            "a session that felt disappointing",
        ],
    ),
    (
        "Eligibility and health",
        [
            "Can I have this treatment if I have {}?",
            "Do I need a referral if I have {}?",
            "Is treatment different for people with {}?",
            "Will you talk to my doctor about {}?",
        ],
        [
            "high blood pressure",
            "a history of substance use",
            "chronic pain",
            "an eating disorder",
            "bipolar disorder",
            "PTSD",
            "long-standing depression",
            "anxiety that comes and goes",
            "a heart condition",
        ],
    ),
    (
        "Privacy and records",
        [
            "Who can see {}?",
            "How long do you keep {}?",
            "Can I ask for a copy of {}?",
            "Is {} shared with my insurer?",
        ],
        [
            "my therapy notes",
            "the consultation request I sent",
            "my screening results",
            "my billing records",
            "recordings of sessions",
            "messages I send through the website",
            "notes from phone calls",
            "my appointment history",
        ],
    ),
]

OPENINGS = [
    "Short answer: it depends on your situation, and we will go through it with you on the phone.",
    "Most people ask us this before their first visit, so you are in good company.",
    "We take this question seriously, because the answer shapes how safe and useful treatment is.",
    "Every person is different, but there are a few things that are true for almost everyone.",
    "This is one of the questions our intake team hears most often.",
]
DETAILS = [
    "Your therapist will explain each step before it happens, and you can ask questions at "
    "any time.",
    "A licensed clinician reviews your health history before any medication is offered.",
    "Sessions take place in a quiet, private room with a comfortable chair and soft lighting.",
    "We follow established psychotherapy methods, and the medication only supports that work.",
    "Plans are written with you, not for you, and they change when your needs change.",
    "We will never pressure you to continue if treatment is not right for you.",
    "Family members are welcome to call us with practical questions, with your permission.",
    "If something in your health changes between sessions, tell us before the next one.",
]
LIST_ITEMS = [
    "a photo ID and your insurance card",
    "a list of the medications you take",
    "comfortable clothes and warm socks",
    "someone to drive you home",
    "an eye mask or headphones, if you like them",
    "a light meal several hours before",
    "questions you want to ask your therapist",
    "a notebook for the days after",
    "time to rest for the rest of the day",
]
HEADINGS = ["What to keep in mind", "In practice", "If you are unsure", "Before you decide"]
CLOSINGS = [
    "If you would like to talk it through, [ask us to call you](/consultation/).",
    "Our [privacy notice](/privacy/) explains how we look after what you tell us.",
    "Call us at [(952) 260-3550](tel:+19522603550) and we will answer it ourselves.",
    "You can always *change your mind*, at any stage.",
    "We are glad to answer this again on the phone, as often as you need.",
]

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


def demo_question_texts():
    """Every demo question, in a fixed order that takes turns through the categories."""
    rng = random.Random(5)  # noqa: S311 (made-up content, not secrets)
    per_category = []
    for name, templates, subjects in CATEGORIES:
        texts = [template.format(subject) for template in templates for subject in subjects]
        rng.shuffle(texts)
        per_category.append([(name, text) for text in texts])
    ordered = []
    for turn in range(max(len(texts) for texts in per_category)):
        ordered.extend(texts[turn] for texts in per_category if turn < len(texts))
    return ordered


def demo_answer(rng):
    """A Markdown answer of a few paragraphs, sometimes with a heading and a list."""
    parts = [rng.choice(OPENINGS), " ".join(rng.sample(DETAILS, rng.randint(2, 4)))]
    if rng.random() < 0.4:
        parts.append(f"### {rng.choice(HEADINGS)}")
    if rng.random() < 0.6:
        bullet = "1." if rng.random() < 0.3 else "-"
        items = rng.sample(LIST_ITEMS, rng.randint(2, 5))
        parts.append("\n".join(f"{bullet} {item}" for item in items))
    if rng.random() < 0.5:
        parts.append("**Good to know:** " + rng.choice(DETAILS))
    parts.append(rng.choice(CLOSINGS))
    return "\n\n".join(parts)


class Command(BaseCommand):
    help = (
        "Fill the database with made-up FAQ questions and consultation requests for demos and "
        "benchmarks. Tops up to the numbers asked for; --reset removes earlier demo data first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--questions", type=int, default=0, help="how many demo questions there should be"
        )
        parser.add_argument(
            "--requests",
            type=int,
            default=0,
            help="how many demo consultation requests there should be",
        )
        parser.add_argument(
            "--reset", action="store_true", help="remove all earlier demo data first"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="say what would change, change nothing"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="seed even though DEBUG is off (only for throwaway databases, e.g. benchmarks)",
        )

    def handle(self, *args, questions, requests, reset, dry_run, force, **options):
        if questions < 0 or requests < 0:
            raise CommandError("--questions and --requests cannot be negative.")
        limit = len(demo_question_texts())
        if questions > limit:
            raise CommandError(f"There are {limit} different demo questions; ask for at most that.")
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this may be a production database. seed_demo adds made-up "
                "patients; pass --force if this database is a throwaway one."
            )
        started = time.monotonic()
        with transaction.atomic():
            if reset:
                self.reset()
            self.seed_questions(questions)
            self.seed_requests(requests)
            if dry_run:
                transaction.set_rollback(True)
        seconds = time.monotonic() - started
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was saved."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Demo data ready in {seconds:.1f} s."))

    def reset(self):
        requests = ConsultationRequest.objects.filter(phone__regex=DEMO_PHONE_REGEX)
        attempts = CallAttempt.objects.filter(request__in=requests).count()
        removed_requests = requests.count()
        requests.delete()
        removed_questions, _ = Question.objects.filter(slug__startswith=DEMO_PREFIX).delete()
        Category.objects.filter(slug__startswith=DEMO_PREFIX, questions__isnull=True).delete()
        self.stdout.write(
            f"Removed {removed_questions} demo questions, {removed_requests} demo requests and "
            f"their {attempts} call attempts."
        )

    def seed_questions(self, wanted):
        existing = set(
            Question.objects.filter(slug__startswith=DEMO_PREFIX).values_list("slug", flat=True)
        )
        texts = demo_question_texts()[:wanted]
        if not texts:
            return
        categories = {}
        next_position = (Category.objects.aggregate(top=Max("position"))["top"] or 0) + 1
        for position, (name, *_rest) in enumerate(CATEGORIES, start=next_position):
            categories[name], _ = Category.objects.get_or_create(
                slug=DEMO_PREFIX + slugify(name), defaults={"name": name, "position": position}
            )
        new = []
        for number, (category_name, text) in enumerate(texts, start=1):
            slug = f"{DEMO_PREFIX}{number}-{slugify(text)}"[:255]
            if slug in existing:
                continue
            answer = demo_answer(random.Random(number))  # noqa: S311
            new.append(
                Question(
                    category=categories[category_name],
                    question=text,
                    slug=slug,
                    answer=answer,
                    # bulk_create skips save(), which renders the Markdown.
                    answer_html=render_markdown(answer),
                    position=number,
                    is_published=number % 25 != 0,  # a few drafts, as on a real site
                )
            )
        Question.objects.bulk_create(new, batch_size=BATCH_SIZE)
        self.stdout.write(
            f"Questions: {len(new)} created, {len(existing)} already there "
            f"({Question.objects.published().count()} published on the site)."
        )

    def seed_requests(self, wanted):
        demo = ConsultationRequest.objects.filter(phone__regex=DEMO_PHONE_REGEX)
        have = demo.count()
        if wanted <= have:
            if wanted:
                self.stdout.write(f"Requests: {have} demo requests already there, none created.")
            return
        staff = self.demo_staff()
        now = timezone.now()
        calendar = clinic_calendar()
        rows = []
        attempts_by_row = []
        for number in range(have + 1, wanted + 1):
            rng = random.Random(f"request-{number}")  # noqa: S311
            request, attempts = self.demo_request(rng, staff, now, calendar)
            request.phone_key = number_key(request.phone)
            rows.append(request)
            attempts_by_row.append(attempts)
        created = ConsultationRequest.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        attempts = []
        for request, request_attempts in zip(created, attempts_by_row, strict=True):
            for attempt in request_attempts:
                attempt.request = request
                attempts.append(attempt)
        CallAttempt.objects.bulk_create(attempts, batch_size=BATCH_SIZE)
        self.stdout.write(
            f"Requests: {len(created)} created with {len(attempts)} call attempts, "
            f"{have} already there ({ConsultationRequest.objects.open().count()} open in total)."
        )

    def demo_staff(self):
        user_model = get_user_model()
        group = Group.objects.filter(name="Intake staff").first()
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

    def demo_request(self, rng, staff, now, calendar):
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
        if attempts:
            request.record_first_call(attempts[0].called_at, calendar)
        if status in (status_type.CLOSED, status_type.NOT_A_FIT):
            request.closed_at = created_at + span
        if status == status_type.CLOSED:
            request.close_reason = reason
        return request, attempts
