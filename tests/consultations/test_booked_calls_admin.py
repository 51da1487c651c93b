"""Booked calls for staff: the list column, sort and filter, the staff home's list for today, the
day view per slot, moving a booking, call capacity and blocked times, and who may do what."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from consultations.models import AuditEntry, ConsultationRequest
from consultations.slots import SlotBook

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
CHANGELIST = reverse("admin:consultations_consultationrequest_changelist")
DAY_VIEW = reverse("admin:consultations_booked_calls")


def local(*args):
    return datetime(*args, tzinfo=CHICAGO)


NOW = local(2026, 12, 1, 8, 0)  # Tuesday


@pytest.fixture(autouse=True)
def booking(booking_settings):
    booking_settings.CONSULTATION_CALLS_PER_SLOT = 2


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def bookings(make_consultation):
    created = local(2026, 11, 30, 12, 0)
    return {
        "late": make_consultation(created_at=created, call_at=local(2026, 12, 1, 14, 0)),
        "early": make_consultation(
            created_at=created, call_at=local(2026, 12, 1, 10, 0), phone="+16515550124"
        ),
        "shared": make_consultation(
            created_at=created, call_at=local(2026, 12, 1, 10, 0), phone="+16515550125"
        ),
        "tomorrow": make_consultation(
            created_at=created,
            call_at=local(2026, 12, 2, 9, 0),
            phone="+16515550126",
            call_confirmation_wanted=True,
            call_version=1,
        ),
        "none": make_consultation(created_at=created, phone="+16515550127"),
    }


def result_ids(response):
    return [row.pk for row in response.context["cl"].result_list]


def test_the_list_shows_sorts_and_filters_by_booked_time(intake_client, bookings):
    response = intake_client.get(CHANGELIST)
    assert "Dec. 1, 2026, 2 p.m." in response.text
    index = response.context["cl"].list_display.index("booked_call")
    ordered = result_ids(intake_client.get(CHANGELIST, {"o": f"{index}.-1"}))
    assert ordered.index(bookings["early"].pk) < ordered.index(bookings["late"].pk)
    assert ordered.index(bookings["late"].pk) < ordered.index(bookings["tomorrow"].pk)
    today = set(result_ids(intake_client.get(CHANGELIST, {"booked": "today"})))
    assert today == {bookings["late"].pk, bookings["early"].pk, bookings["shared"].pk}
    assert result_ids(intake_client.get(CHANGELIST, {"booked": "none"})) == [bookings["none"].pk]


def test_the_staff_home_lists_todays_booked_calls_in_order(intake_client, bookings):
    html = intake_client.get(reverse("admin:index")).text
    section = html[html.index("Today's booked calls") :]
    positions = [
        section.index(f"Request #{bookings[key].pk}</a>") for key in ("early", "shared", "late")
    ]
    assert positions == sorted(positions)
    assert f"Request #{bookings['tomorrow'].pk}</a>" not in section.split("</section>")[0]


def test_the_day_view_shows_each_slot_with_its_booked_calls(intake_client, bookings):
    response = intake_client.get(DAY_VIEW, {"day": "2026-12-01"})
    html = response.text
    assert response.status_code == 200
    assert "Booked calls on Tuesday, December 1" in html
    ten = html[html.index('<th scope="row">10 a.m.</th>') :].split("</tr>")[0]
    assert f"Request #{bookings['early'].pk}" in ten and f"Request #{bookings['shared'].pk}" in ten
    assert html.count('<th scope="row">') == 32
    for fragment in ("Zoë", "O'Brien", "555-0124", "zoe@example.org"):
        assert fragment not in html


def test_staff_move_a_booking_and_the_patient_is_emailed(
    intake_client, bookings, django_capture_on_commit_callbacks
):
    moving = bookings["tomorrow"]
    new_time = local(2026, 12, 3, 11, 30)
    with django_capture_on_commit_callbacks(execute=True):
        response = intake_client.post(
            reverse("admin:consultations_move_call", args=[moving.pk]),
            {"call_at": new_time.isoformat(), "version": "1"},
        )
    assert response.status_code == 302
    assert response["Location"] == f"{DAY_VIEW}?day=2026-12-03"
    moved = ConsultationRequest.objects.get(pk=moving.pk)
    assert moved.call_at == new_time and moved.call_version == 2
    (email,) = mail.outbox
    assert email.to == ["zoe@example.org"]
    assert email.subject == "New time for our call: Thursday, December 3 at 11:30 a.m. Central time"
    entry = AuditEntry.objects.get(request_id=moving.pk)
    assert entry.via == "admin: move booked call" and entry.username == "intake"
    assert SlotBook().is_free(local(2026, 12, 2, 9, 0))


def test_moving_to_a_full_time_says_so_and_keeps_the_booking(intake_client, bookings):
    response = intake_client.post(
        reverse("admin:consultations_move_call", args=[bookings["late"].pk]),
        {"call_at": local(2026, 12, 1, 10, 0).isoformat(), "version": "0"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text  # a full time is not offered
    assert ConsultationRequest.objects.get(pk=bookings["late"].pk).call_at == local(
        2026, 12, 1, 14, 0
    )


def test_content_editors_cannot_see_or_move_booked_calls(
    staff_client_for, make_staff_user, bookings
):
    editor = staff_client_for(make_staff_user("editor", groups=["Content editors"]))
    assert editor.get(DAY_VIEW).status_code == 403
    move = reverse("admin:consultations_move_call", args=[bookings["late"].pk])
    assert editor.post(move, {"call_at": local(2026, 12, 3, 9, 0).isoformat()}).status_code == 403


def test_intake_staff_set_capacity_and_block_times(intake_client):
    response = intake_client.post(
        reverse("admin:consultations_callcapacity_add"),
        {"date": "2026-12-03", "calls_per_slot": "0"},
    )
    assert response.status_code == 302
    response = intake_client.post(
        reverse("admin:consultations_blockedtime_add"),
        {
            "starts_at_0": "2026-12-04",
            "starts_at_1": "09:00",
            "ends_at_0": "2026-12-04",
            "ends_at_1": "12:00",
            "reason": "Team meeting",
        },
    )
    assert response.status_code == 302
    book = SlotBook()
    assert date(2026, 12, 3) not in [day.date for day in book.days]
    assert book.day(date(2026, 12, 4)).slots[0] == local(2026, 12, 4, 12, 0)


def test_a_blocked_time_must_end_after_it_starts(intake_client):
    response = intake_client.post(
        reverse("admin:consultations_blockedtime_add"),
        {
            "starts_at_0": "2026-12-04",
            "starts_at_1": "12:00",
            "ends_at_0": "2026-12-04",
            "ends_at_1": "09:00",
        },
    )
    assert "Choose an end after the start." in response.text


def test_the_change_page_shows_the_booked_time_with_links(intake_client, bookings):
    html = intake_client.get(
        reverse("admin:consultations_consultationrequest_change", args=[bookings["late"].pk])
    ).text
    assert "Tuesday, December 1 at 2 p.m. Central time" in html
    assert reverse("admin:consultations_move_call", args=[bookings["late"].pk]) in html
