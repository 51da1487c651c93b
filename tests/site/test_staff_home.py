"""The staff home: the day's numbers as tiles, only those each person's permissions allow."""

import re
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clinic.models import StaffProfile
from clinic.staff_home import TILES, Tile, tile_groups
from consultations.models import CallAttempt, ConsultationRequest
from faq import services
from faq.models import MissedSearch, Question, Vote

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
HOME = reverse("admin:index")


@pytest.fixture
def make_staff_user_with_name(make_staff_user):
    """A clinical reviewer with a public name, who can mark answers reviewed."""

    def make(username):
        user = make_staff_user(username, groups=["Clinical reviewers"])
        StaffProfile.objects.create(user=user, public_name=username.title(), credentials="MD")
        return user

    return make


SECTIONS = reverse("admin:sections")
CHANGELIST = reverse("admin:consultations_consultationrequest_changelist")
Status = ConsultationRequest.Status


def tiles(response):
    """{title: (number, link)} as the page shows them."""
    found = re.findall(
        r'<a href="([^"]+)">\s*<span class="staff-tile-number">([^<]+)</span>\s*'
        r'<span class="staff-tile-title">([^<]+)</span>',
        response.text,
    )
    return {title: (number, link.replace("&amp;", "&")) for link, number, title in found}


@pytest.fixture
def editor_client(staff_client_for, make_staff_user):
    return staff_client_for(make_staff_user("editor", groups=["Content editors"]))


@pytest.fixture
def day_of_requests(make_consultation, intake_user, admin_user):
    now = datetime(2026, 12, 2, 11, 0, tzinfo=CHICAGO)  # Wednesday
    # Overdue: Monday 9:00, never called.
    make_consultation(created_at=now - timedelta(days=2, hours=2))
    # Waiting three days, assigned to intake, never called: overdue too, and the oldest new one.
    make_consultation(created_at=now - timedelta(days=3), assigned_to=intake_user)
    # Called today, assigned to someone else.
    called = make_consultation(
        created_at=now - timedelta(hours=2), status=Status.CONTACTING, assigned_to=admin_user
    )
    CallAttempt.objects.create(
        request=called, called_at=now - timedelta(hours=1), outcome=CallAttempt.Outcome.REACHED
    )
    # Closed: no tile counts it.
    make_consultation(status=Status.CLOSED, close_reason="other", created_at=now)
    return now


def home_at(staff_client_for, user, moment):
    with time_machine.travel(moment, tick=False):
        return staff_client_for(user).get(HOME)


def test_intake_staff_land_on_their_numbers(staff_client_for, intake_user, day_of_requests):
    response = home_at(staff_client_for, intake_user, day_of_requests)

    assert response.status_code == 200
    shown = tiles(response)
    assert shown == {
        "Open requests": ("3", f"{CHANGELIST}?status=open"),
        "Overdue now": ("2", f"{CHANGELIST}?overdue=yes"),
        "Unassigned": ("1", f"{CHANGELIST}?assignee=none"),
        "Assigned to me": ("1", f"{CHANGELIST}?assignee=me"),
        "Oldest one waiting": ("3\xa0days", f"{CHANGELIST}?status=new"),
        "Ready to close: not reached": ("0", f"{CHANGELIST}?not_reached=yes"),
    }
    assert "Unpublished questions" not in response.text
    assert reverse("admin:consultations_metrics") in response.text
    assert SECTIONS in response.text


def test_each_tile_link_opens_the_list_it_counts(staff_client_for, intake_user, day_of_requests):
    with time_machine.travel(day_of_requests, tick=False):
        client = staff_client_for(intake_user)
        shown = tiles(client.get(HOME))
        for title in ("Open requests", "Overdue now", "Unassigned", "Assigned to me"):
            number, link = shown[title]
            listing = client.get(link)
            assert listing.status_code == 200
            assert len(listing.context["cl"].result_list) == int(number), title


def test_content_editors_see_their_own_tiles_only(
    editor_client, make_question, make_staff_user_with_name
):
    today = timezone.localdate()
    draft = make_question(is_published=False)
    unhelpful = make_question()
    helpful = make_question()
    Vote.objects.create(question=unhelpful, day=today, helpful=False, count=3)
    Vote.objects.create(question=unhelpful, day=today, helpful=True, count=1)
    Vote.objects.create(question=helpful, day=today, helpful=True, count=2)
    # Older than the helpfulness list looks back: not counted.
    Vote.objects.create(question=helpful, day=today - timedelta(days=200), helpful=False, count=9)
    for text, days_ago in (("ketamine price", 1), ("ketamine price", 3), ("parking", 2)):
        MissedSearch.objects.create(text=text, day=today - timedelta(days=days_ago))
    MissedSearch.objects.create(text="long ago", day=today - timedelta(days=60))
    reviewer = make_staff_user_with_name("dana")
    services.mark_reviewed(question=helpful, reviewer=reviewer)
    services.mark_reviewed(question=draft, reviewer=reviewer)
    draft.answer += " More."
    draft.save()

    response = editor_client.get(HOME)

    questions = reverse("admin:faq_question_changelist")
    assert tiles(response) == {
        "Reviews due": ("0", questions + "?review=due"),
        "Changed since review": ("1", questions + "?review=changed"),
        "Least helpful answers": ("1", reverse("admin:faq_questionhelpfulness_changelist")),
        "Searches that found nothing": ("2", reverse("admin:faq_missedsearch_changelist")),
        "Unpublished questions": (
            str(Question.objects.filter(is_published=False).count()),
            questions + "?is_published__exact=0",
        ),
    }
    assert "Open requests" not in response.text
    assert reverse("admin:consultations_metrics") not in response.text


def test_a_content_tile_opens_the_list_it_counts(
    editor_client, make_question, make_staff_user_with_name
):
    stale = make_question()
    reviewer = make_staff_user_with_name("sam")
    services.mark_reviewed(
        question=stale, reviewer=reviewer, now=timezone.now() - timedelta(days=800)
    )
    number, link = tiles(editor_client.get(HOME))["Reviews due"]
    listing = editor_client.get(link)
    assert number == "1"
    assert [question.pk for question in listing.context["cl"].result_list] == [stale.pk]


def test_superusers_see_every_tile(admin_client):
    shown = tiles(admin_client.get(HOME))
    assert set(shown) == {tile.title for tile in TILES}


def test_a_tile_is_one_entry(rf, intake_user):
    """Adding a tile is one declarative entry; permissions decide who sees it."""
    request = rf.get(HOME)
    request.user = intake_user
    extra = Tile("Answers due for review", "faq.change_question", lambda f: 4, lambda f: "/x/")
    mine = Tile(
        "Open requests", "consultations.view_consultationrequest", lambda f: 7, lambda f: "/y/"
    )
    groups = tile_groups(request, [extra, mine])
    assert [[t["title"] for t in group] for _title, group in groups] == [["Open requests"]]


def test_the_section_list_stays_reachable_in_plain_words(admin_client):
    response = admin_client.get(SECTIONS)
    html = response.text
    assert response.status_code == 200
    for plain in (
        "Staff accounts and roles",
        "Authenticator apps",
        "Sign-in lockouts",
        "Background jobs",
        "Consultation requests",
        "Frequently asked questions",
    ):
        assert plain in html
    for jargon in ("Otp_Totp", "OTP_TOTP", "Axes", "Tasks Database Backend", "TOTP devices"):
        assert jargon not in html


def test_home_queries_stay_the_same_as_requests_grow(intake_client):
    """One aggregate for the call-back tiles, whatever the number of requests (at most 12)."""
    counts = []
    for wanted in (50, 400):
        call_command("seed_demo", questions=0, requests=wanted, force=True, stdout=StringIO())
        intake_client.get(HOME)
        with CaptureQueriesContext(connection) as captured:
            assert intake_client.get(HOME).status_code == 200
        counts.append(
            sum(
                1
                for query in captured.captured_queries
                if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
            )
        )
    assert counts[0] == counts[1] <= 12


def test_signing_in_lands_on_the_home(client, intake_user, authenticator_code):
    response = client.post(
        reverse("admin:login"),
        {
            "username": "intake",
            "password": "a-long-test-password",
            "otp_token": authenticator_code(intake_user),
            "next": HOME,
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "Open requests" in response.text and "Overdue now" in response.text
