import csv
import io
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations.admin_filters import recent_workers
from consultations.business_days import subtract_business_days
from consultations.models import AuditEntry, CallAttempt, ConsultationRequest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

Status = ConsultationRequest.Status
CHANGELIST = reverse("admin:consultations_consultationrequest_changelist")
# What the browser's date-and-time field sends for a call's time.
CALL_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"


def change_url(consultation):
    return reverse("admin:consultations_consultationrequest_change", args=[consultation.pk])


def overdue_moment():
    """A receipt time more than one business day ago, whatever day the suite runs."""
    return subtract_business_days(timezone.now(), 1) - timedelta(hours=1)


def change_data(consultation, attempts=(), **fields):
    """The POST body of the change page, with new call attempts as dicts."""
    existing = list(consultation.call_attempts.order_by("called_at", "pk"))
    data = {
        "status": consultation.status,
        "assigned_to": consultation.assigned_to_id or "",
        "close_reason": consultation.close_reason,
        "call_attempts-TOTAL_FORMS": str(len(existing) + len(attempts)),
        "call_attempts-INITIAL_FORMS": str(len(existing)),
        "call_attempts-MIN_NUM_FORMS": "0",
        "call_attempts-MAX_NUM_FORMS": "1000",
    }
    local_now = timezone.localtime()
    for index, attempt in enumerate(existing):
        called_at = timezone.localtime(attempt.called_at)
        data |= {
            f"call_attempts-{index}-id": attempt.pk,
            f"call_attempts-{index}-request": consultation.pk,
            f"call_attempts-{index}-called_at": called_at.strftime(CALL_TIME_FORMAT),
            f"call_attempts-{index}-outcome": attempt.outcome,
            f"call_attempts-{index}-notes": attempt.notes,
        }
    for offset, attempt in enumerate(attempts):
        index = len(existing) + offset
        data |= {
            f"call_attempts-{index}-request": consultation.pk,
            f"call_attempts-{index}-called_at": local_now.strftime(CALL_TIME_FORMAT),
            f"call_attempts-{index}-notes": "",
        } | {f"call_attempts-{index}-{key}": value for key, value in attempt.items()}
    data |= {key: "" if value is None else value for key, value in fields.items()}
    return data


def result_ids(response):
    return [obj.pk for obj in response.context["cl"].result_list]


# --- the list ------------------------------------------------------------------------------


def test_list_shows_the_columns_staff_work_from(admin_client, make_consultation, admin_user):
    consultation = make_consultation(assigned_to=admin_user, voicemail_ok=False)
    CallAttempt.objects.create(request=consultation, outcome=CallAttempt.Outcome.NO_ANSWER)

    response = admin_client.get(CHANGELIST)

    assert response.status_code == 200
    html = response.content.decode()
    assert f"#{consultation.pk}" in html
    assert "Morning (8–11 am)" in html and "Evening (5–7 pm)" in html
    assert "No answer" in html
    assert admin_user.username in html
    assert '<strong class="consult-no-voicemail">No</strong>' in html
    # Names and other personal data stay off the list.
    assert "Zoë" not in html
    assert "zoe@example.org" not in html


def test_received_is_shown_in_clinic_time(admin_client, make_consultation, settings):
    settings.TIME_ZONE = "America/Chicago"
    moment = timezone.make_aware(timezone.datetime(2026, 7, 1, 15, 30), timezone.UTC)
    make_consultation(created_at=moment)

    response = admin_client.get(CHANGELIST)

    # 15:30 UTC is 10:30 in Minnesota in July.
    assert "10:30 a.m." in response.content.decode()


def test_call_back_deadline_at_midnight_names_the_day(admin_client, make_consultation, settings):
    settings.TIME_ZONE = "America/Chicago"
    saturday = timezone.make_aware(timezone.datetime(2026, 11, 21, 10, 0))
    consultation = make_consultation(created_at=saturday)

    response = admin_client.get(change_url(consultation))

    assert "end of Nov. 23, 2026" in response.content.decode()


def test_waiting_time_reads_like_a_person_would_say_it(admin_client, make_consultation):
    make_consultation(created_at=timezone.now() - timedelta(days=2, hours=3, minutes=5))

    response = admin_client.get(CHANGELIST)

    assert "2\xa0days, 3\xa0hours" in response.content.decode()


def test_open_requests_shown_by_default_oldest_first(admin_client, make_consultation):
    now = timezone.now()
    newer = make_consultation(created_at=now - timedelta(hours=1))
    older = make_consultation(created_at=now - timedelta(hours=5))
    closed = make_consultation(
        status=Status.CLOSED, close_reason="duplicate", created_at=now - timedelta(hours=9)
    )

    response = admin_client.get(CHANGELIST)

    assert result_ids(response) == [older.pk, newer.pk]
    assert closed.pk not in result_ids(response)


def test_all_choice_lists_open_before_closed(admin_client, make_consultation):
    now = timezone.now()
    closed = make_consultation(
        status=Status.CLOSED, close_reason="duplicate", created_at=now - timedelta(hours=1)
    )
    unfit = make_consultation(status=Status.NOT_A_FIT, created_at=now - timedelta(hours=2))
    waiting = make_consultation(created_at=now - timedelta(hours=3))

    response = admin_client.get(CHANGELIST, {"status": "all"})

    assert result_ids(response) == [waiting.pk, closed.pk, unfit.pk]


def test_filter_counts_on_request(admin_client, make_consultation, admin_user):
    make_consultation(assigned_to=admin_user)
    make_consultation(created_at=overdue_moment())
    make_consultation(status=Status.CLOSED, close_reason="duplicate")

    response = admin_client.get(CHANGELIST, {"_facets": "True"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Open (new, contacting, scheduled) (2)" in html
    assert "All (3)" in html
    assert "Overdue (1)" in html
    assert "Me (1)" in html


def test_status_filter_picks_one_status(admin_client, make_consultation):
    make_consultation()
    scheduled = make_consultation(status=Status.SCHEDULED)

    response = admin_client.get(CHANGELIST, {"status": "scheduled"})

    assert result_ids(response) == [scheduled.pk]


@pytest.mark.parametrize(
    "params",
    [
        {"status": "bogus"},
        {"assignee": "nobody-here"},
        {"assignee": "²"},  # a digit to str.isdigit(), not to int()
        {"assignee": "99999999999999999999999"},  # beyond the database's integer range
        {"overdue": "maybe"},
        {"o": "99"},
        {"q": "\x00"},
        {"q": "Zo\x00e 651\x00555"},
        {"q": "(651) 555-0123\x00"},
        {"q": "x" * 5000},
        {"q": "#99999999999999999999999"},
    ],
)
def test_odd_list_parameters_never_fail(admin_client, make_consultation, params):
    make_consultation()

    response = admin_client.get(CHANGELIST, params)

    assert response.status_code in (200, 302)


def test_assignee_filter_me_unassigned_and_person(
    admin_client, admin_user, make_consultation, make_staff_user
):
    colleague = make_staff_user("colleague")
    mine = make_consultation(assigned_to=admin_user)
    theirs = make_consultation(assigned_to=colleague)
    nobody = make_consultation()

    assert result_ids(admin_client.get(CHANGELIST, {"assignee": "me"})) == [mine.pk]
    assert result_ids(admin_client.get(CHANGELIST, {"assignee": "none"})) == [nobody.pk]
    assert result_ids(admin_client.get(CHANGELIST, {"assignee": str(colleague.pk)})) == [theirs.pk]


def test_overdue_requests_are_marked_in_words(admin_client, make_consultation):
    late = make_consultation(created_at=overdue_moment())
    fresh = make_consultation(created_at=timezone.now() - timedelta(minutes=5))

    response = admin_client.get(CHANGELIST)

    html = response.content.decode()
    assert html.count('<span class="consult-overdue"') == 1
    assert ">Overdue</span>" in html
    assert result_ids(admin_client.get(CHANGELIST, {"overdue": "yes"})) == [late.pk]
    assert result_ids(admin_client.get(CHANGELIST, {"overdue": "no"})) == [fresh.pk]


def test_a_logged_call_clears_the_overdue_flag(admin_client, make_consultation):
    late = make_consultation(created_at=overdue_moment())
    CallAttempt.objects.create(request=late, outcome=CallAttempt.Outcome.LEFT_VOICEMAIL)

    response = admin_client.get(CHANGELIST, {"overdue": "yes"})

    assert result_ids(response) == []


def test_overdue_follows_the_setting(admin_client, make_consultation, settings):
    settings.CONSULTATION_OVERDUE_BUSINESS_DAYS = 3
    make_consultation(created_at=overdue_moment())

    response = admin_client.get(CHANGELIST, {"overdue": "yes"})

    assert result_ids(response) == []


def test_list_styles_come_from_a_stylesheet(admin_client, make_consultation):
    make_consultation(created_at=overdue_moment())

    response = admin_client.get(CHANGELIST)

    html = response.content.decode()
    assert "consultations/admin.css" in html
    assert " style=" not in html
    assert "style-src 'self'" in response["Content-Security-Policy"]
    assert admin_client.get("/static/consultations/admin.css").status_code == 200


def make_many(make_consultation, count):
    for index in range(count):
        consultation = make_consultation(created_at=timezone.now() - timedelta(hours=index))
        CallAttempt.objects.create(request=consultation, outcome=CallAttempt.Outcome.NO_ANSWER)
        CallAttempt.objects.create(request=consultation, outcome=CallAttempt.Outcome.REACHED)


def test_list_query_count_does_not_grow_with_requests(
    admin_client, make_consultation, django_assert_num_queries
):
    """Guards the N+1 on call counts, last outcome, overdue flag and assignee per row."""
    make_many(make_consultation, 5)
    admin_client.get(CHANGELIST)  # the closure days are read once, then kept for a while
    with CaptureQueriesContext(connection) as few:
        response = admin_client.get(CHANGELIST)
    assert len(result_ids(response)) == 5

    make_many(make_consultation, 45)
    with django_assert_num_queries(len(few)):
        response = admin_client.get(CHANGELIST)
    assert len(result_ids(response)) == 50
    assert "Reached" in response.content.decode()


def test_list_does_not_load_the_patients_note(admin_client, make_consultation):
    make_consultation()

    with CaptureQueriesContext(connection) as queries:
        admin_client.get(CHANGELIST)

    request_queries = [q["sql"] for q in queries if "consultationrequest" in q["sql"]]
    assert request_queries
    assert not any('."note"' in sql for sql in request_queries)


# --- search --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "term",
    [
        "(651) 555-0123",
        "651-555-0123",
        "6515550123",
        "651.555.0123",
        "+1 651 555 0123",
        "1 651 555 0123",
        "555-0123",
        "０１２３",
    ],
)
def test_search_finds_a_phone_number_however_it_is_typed(admin_client, make_consultation, term):
    wanted = make_consultation(phone="+16515550123")
    make_consultation(phone="+16125550199")

    response = admin_client.get(CHANGELIST, {"q": term})

    assert result_ids(response) == [wanted.pk]


@pytest.mark.parametrize("term", ["o'brien", "Zoë", "zoe@example", "ZOE@EXAMPLE.ORG"])
def test_search_finds_name_and_email(admin_client, make_consultation, term):
    wanted = make_consultation()
    make_consultation(name="Alex Kim", email="alex@example.com")

    response = admin_client.get(CHANGELIST, {"q": term})

    assert result_ids(response) == [wanted.pk]


def test_search_finds_a_request_number(admin_client, make_consultation):
    make_consultation()
    wanted = make_consultation()

    assert result_ids(admin_client.get(CHANGELIST, {"q": f"#{wanted.pk}"})) == [wanted.pk]


def test_search_keeps_the_open_only_default(admin_client, make_consultation):
    make_consultation(status=Status.CLOSED, close_reason="duplicate")

    assert result_ids(admin_client.get(CHANGELIST, {"q": "651-555-0123"})) == []
    response = admin_client.get(CHANGELIST, {"q": "651-555-0123", "status": "all"})
    assert len(result_ids(response)) == 1


# --- the change page -----------------------------------------------------------------------


def test_change_page_shows_the_patient_and_phone_in_national_format(
    admin_client, make_consultation
):
    consultation = make_consultation()

    response = admin_client.get(change_url(consultation))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Zoë O&#x27;Brien-Søren" in html
    assert '<a href="tel:+16515550123">(651) 555-0123</a>' in html
    assert "Please call after my shift." in html
    # Personal data is shown, not offered for editing.
    form = response.context["adminform"].form
    assert set(form.fields) == {"status", "assigned_to", "close_reason"}


def test_requests_are_assigned_only_to_people_who_work_them(
    admin_client, make_consultation, make_staff_user, django_user_model, intake_user
):
    django_user_model.objects.create_user("not-staff", password="x" * 12)
    make_staff_user("editor", groups=["Content editors"])
    retired = make_staff_user("retired", groups=["Intake staff"])
    retired.is_active = False
    retired.save()
    consultation = make_consultation()

    form = admin_client.get(change_url(consultation)).context["adminform"].form
    filters = admin_client.get(CHANGELIST).context["cl"].filter_specs

    choices = {label for _, label in form.fields["assigned_to"].choices if _}
    assert choices == {"admin", "intake"}
    assignee_filter = next(spec for spec in filters if spec.parameter_name == "assignee")
    assert {label for _, label in assignee_filter.lookup_choices} == {
        "Me",
        "Unassigned",
        "admin",
        "intake",
    }


def assignee_names(admin_client):
    filters = admin_client.get(CHANGELIST).context["cl"].filter_specs
    assignee_filter = next(spec for spec in filters if spec.parameter_name == "assignee")
    return {label for _, label in assignee_filter.lookup_choices} - {"Me", "Unassigned"}


def test_the_assignee_filter_follows_changes_to_who_works_requests_at_once(
    admin_client, make_staff_user, django_user_model, django_assert_num_queries
):
    from django.contrib.auth.models import Group

    assert assignee_names(admin_client) == {"admin"}
    with django_assert_num_queries(0):
        assert recent_workers.get() == recent_workers.get()  # kept between views

    newcomer = make_staff_user("newcomer", groups=["Intake staff"])
    assert assignee_names(admin_client) == {"admin", "newcomer"}  # joined a group
    newcomer.first_name = "Noor"
    newcomer.save()
    assert assignee_names(admin_client) == {"admin", "Noor"}  # renamed
    newcomer.groups.clear()
    assert assignee_names(admin_client) == {"admin"}  # left the group
    newcomer.user_permissions.add(
        *Group.objects.get(name="Intake staff").permissions.filter(codename__startswith="change")
    )
    assert assignee_names(admin_client) == {"admin", "Noor"}  # given the permission alone
    newcomer.user_permissions.clear()
    make_staff_user("reader", groups=["Content editors"])
    editors = Group.objects.get(name="Content editors")
    editors.permissions.add(*Group.objects.get(name="Intake staff").permissions.all())
    assert assignee_names(admin_client) == {"admin", "reader"}  # their group was given it


def test_the_assignee_filter_forgets_again_once_a_change_is_committed(
    db, make_staff_user, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """A request of the same process reading the people while a change is being saved must not
    keep them from before it."""
    with django_capture_on_commit_callbacks(execute=True):
        make_staff_user("later", groups=["Intake staff"])
        recent_workers.get()  # read meanwhile, and kept
        with django_assert_num_queries(0):
            recent_workers.get()
    with django_assert_num_queries(1):
        assert "later" in dict(recent_workers.get()).values()


def test_closing_without_a_reason_is_a_form_error(admin_client, make_consultation):
    consultation = make_consultation()

    response = admin_client.post(
        change_url(consultation), change_data(consultation, status=Status.CLOSED)
    )

    assert response.status_code == 200
    assert "Choose a reason for closing this request." in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.status == Status.NEW


def test_closing_with_a_reason_records_when(admin_client, make_consultation):
    consultation = make_consultation()
    before = timezone.now()

    response = admin_client.post(
        change_url(consultation),
        change_data(consultation, status=Status.CLOSED, close_reason="consultation_held"),
    )

    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == Status.CLOSED
    assert consultation.closed_at >= before


def test_reopening_clears_closing_time_and_reason(admin_client, make_consultation):
    consultation = make_consultation(
        status=Status.CLOSED, close_reason="duplicate", closed_at=timezone.now()
    )

    admin_client.post(change_url(consultation), change_data(consultation, status=Status.SCHEDULED))

    consultation.refresh_from_db()
    assert consultation.status == Status.SCHEDULED
    assert consultation.closed_at is None
    assert consultation.close_reason == ""


def test_first_call_attempt_is_stamped_and_moves_new_to_contacting(
    admin_client, admin_user, make_consultation, make_staff_user
):
    consultation = make_consultation()
    someone_else = make_staff_user("someone-else")

    response = admin_client.post(
        change_url(consultation),
        change_data(
            consultation,
            attempts=[
                {"outcome": "no_answer", "notes": "Rang twice", "called_by": someone_else.pk}
            ],
        ),
    )

    assert response.status_code == 302
    attempt = consultation.call_attempts.get()
    assert attempt.called_by == admin_user
    assert attempt.outcome == CallAttempt.Outcome.NO_ANSWER
    consultation.refresh_from_db()
    assert consultation.status == Status.CONTACTING


def test_call_attempt_does_not_override_a_status_chosen_in_the_same_save(
    admin_client, make_consultation
):
    consultation = make_consultation()

    admin_client.post(
        change_url(consultation),
        change_data(consultation, status=Status.SCHEDULED, attempts=[{"outcome": "reached"}]),
    )

    consultation.refresh_from_db()
    assert consultation.status == Status.SCHEDULED


def test_later_call_attempts_leave_the_status_alone(admin_client, make_consultation, admin_user):
    consultation = make_consultation(status=Status.SCHEDULED)
    CallAttempt.objects.create(request=consultation, outcome="reached", called_by=admin_user)

    admin_client.post(
        change_url(consultation), change_data(consultation, attempts=[{"outcome": "call_later"}])
    )

    consultation.refresh_from_db()
    assert consultation.status == Status.SCHEDULED
    assert consultation.call_attempts.count() == 2


def test_editing_an_attempt_keeps_who_called(admin_client, make_consultation, make_staff_user):
    caller = make_staff_user("caller")
    consultation = make_consultation(status=Status.CONTACTING)
    attempt = CallAttempt.objects.create(
        request=consultation, outcome="no_answer", called_by=caller
    )
    attempt.notes = "Corrected note"

    admin_client.post(
        change_url(consultation),
        change_data(consultation) | {"call_attempts-0-notes": "Corrected note"},
    )

    attempt.refresh_from_db()
    assert attempt.notes == "Corrected note"
    assert attempt.called_by == caller


def test_a_call_in_the_future_is_refused(admin_client, make_consultation):
    consultation = make_consultation()
    later = timezone.localtime() + timedelta(days=2)

    response = admin_client.post(
        change_url(consultation),
        change_data(
            consultation,
            attempts=[
                {
                    "outcome": "reached",
                    "called_at": later.strftime(CALL_TIME_FORMAT),
                }
            ],
        ),
    )

    assert response.status_code == 200
    assert "A call cannot be logged in the future." in response.content.decode()
    assert not consultation.call_attempts.exists()


def test_forged_choices_are_form_errors(admin_client, make_consultation):
    consultation = make_consultation()

    response = admin_client.post(
        change_url(consultation),
        change_data(consultation, status="deleted", attempts=[{"outcome": "hung-up"}]),
    )

    assert response.status_code == 200
    consultation.refresh_from_db()
    assert consultation.status == Status.NEW
    assert not consultation.call_attempts.exists()


def test_requests_cannot_be_assigned_to_someone_outside_intake(
    admin_client, make_consultation, make_staff_user
):
    editor = make_staff_user("editor", groups=["Content editors"])
    consultation = make_consultation()

    response = admin_client.post(
        change_url(consultation), change_data(consultation, assigned_to=editor.pk)
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.assigned_to is None


def test_the_add_page_is_the_staff_form_for_phone_in_requests(admin_client):
    response = admin_client.get(reverse("admin:consultations_consultationrequest_add"))

    assert response.status_code == 200
    assert 'name="source"' in response.text and 'name="consent"' in response.text
    assert 'name="leave_this_empty"' not in response.text and 'name="status"' not in response.text


@pytest.mark.parametrize("object_id", ["99999", "abc", "1%00"])
def test_unknown_request_redirects_not_fails(admin_client, object_id):
    response = admin_client.get(f"{CHANGELIST}{object_id}/change/")

    assert response.status_code == 302


def test_an_empty_post_is_a_form_error_not_a_failure(intake_client, make_consultation):
    consultation = make_consultation()

    response = intake_client.post(change_url(consultation), {})

    assert response.status_code == 200
    consultation.refresh_from_db()
    assert consultation.status == Status.NEW


def test_admin_history_names_fields_not_values(admin_client, make_consultation):
    consultation = make_consultation()

    admin_client.post(
        change_url(consultation),
        change_data(
            consultation,
            status=Status.CLOSED,
            close_reason="other",
            attempts=[{"outcome": "reached", "notes": "Secret detail 555"}],
        ),
    )

    entries = LogEntry.objects.filter(object_id=str(consultation.pk))
    assert entries.exists()
    for entry in entries:
        text = f"{entry.object_repr} {entry.change_message} {entry.get_change_message()}"
        for personal in ["Zoë", "555", "zoe@", "Secret", "shift"]:
            assert personal not in text
    assert "Status" in entries.get().get_change_message()


def test_str_shows_no_personal_data(make_consultation, admin_user):
    consultation = make_consultation()
    attempt = CallAttempt.objects.create(request=consultation, outcome="reached", notes="Secret")
    entry = AuditEntry.record(admin_user, AuditEntry.Action.VIEWED, consultation.pk)

    for obj in [consultation, attempt, entry]:
        text = str(obj)
        assert f"#{consultation.pk}" in text
        for personal in ["Zoë", "555", "zoe@", "Secret"]:
            assert personal not in text


# --- actions -------------------------------------------------------------------------------


def post_action(client, action, consultations, url=CHANGELIST, **extra):
    data = {"action": action, "_selected_action": [c.pk for c in consultations]} | extra
    return client.post(url, data)


def test_assign_to_me(intake_client, intake_user, make_consultation, make_staff_user):
    first = make_consultation()
    second = make_consultation(assigned_to=make_staff_user("colleague"))

    response = post_action(intake_client, "assign_to_me", [first, second])

    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.assigned_to == intake_user
    assert second.assigned_to == intake_user


def test_close_action_asks_for_a_reason_first(intake_client, make_consultation):
    consultation = make_consultation()

    response = post_action(intake_client, "close_requests", [consultation])

    assert response.status_code == 200
    html = response.content.decode()
    assert "Reason for closing" in html
    assert f"Request #{consultation.pk}" in html
    assert "Zoë" not in html
    # Django's strict CSP holds on the intermediate page too: no inline style or script.
    assert " style=" not in html
    assert "<script>" not in html
    consultation.refresh_from_db()
    assert consultation.status == Status.NEW


def test_close_action_without_a_reason_asks_again(intake_client, make_consultation):
    consultation = make_consultation()

    response = post_action(intake_client, "close_requests", [consultation], apply="yes")

    assert response.status_code == 200
    assert "Choose a reason for closing." in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.status == Status.NEW


def test_close_action_closes_with_the_reason(intake_client, make_consultation):
    first = make_consultation()
    second = make_consultation(status=Status.NOT_A_FIT)
    done = make_consultation(
        status=Status.CLOSED, close_reason="duplicate", closed_at=timezone.now() - timedelta(days=3)
    )

    response = post_action(
        intake_client,
        "close_requests",
        [first, second, done],
        apply="yes",
        close_reason="unreachable",
        url=f"{CHANGELIST}?status=all",
    )

    assert response.status_code == 302
    for consultation in [first, second]:
        consultation.refresh_from_db()
        assert consultation.status == Status.CLOSED
        assert consultation.close_reason == "unreachable"
        assert consultation.closed_at is not None
    old_closed_at = done.closed_at
    done.refresh_from_db()
    assert (done.close_reason, done.closed_at) == ("duplicate", old_closed_at)


def export(client, consultations):
    return post_action(client, "export_csv", consultations)


def read_csv(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_export_is_a_csv_of_the_selected_requests(admin_client, make_consultation):
    consultation = make_consultation(heard_about="friend")
    CallAttempt.objects.create(request=consultation, outcome="left_voicemail")

    response = export(admin_client, [consultation])

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    header, row = read_csv(response)
    record = dict(zip(header, row, strict=True))
    assert record["Request"] == str(consultation.pk)
    assert record["Name"] == "Zoë O'Brien-Søren"
    assert record["Phone"] == "(651) 555-0123"
    assert record["Calls"] == "1"
    assert record["Last outcome"] == "Left voicemail"
    assert "Note" not in header


def test_export_of_everything_across_pages(admin_client, make_consultation):
    for _ in range(3):
        make_consultation()

    response = admin_client.post(
        CHANGELIST, {"action": "export_csv", "select_across": "1", "_selected_action": ["0"]}
    )

    assert len(read_csv(response)) == 4


@pytest.mark.parametrize("payload", ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "\tx"])
def test_export_defuses_spreadsheet_formulas(admin_client, make_consultation, payload):
    consultation = make_consultation(name=payload, email="")

    header, row = read_csv(export(admin_client, [consultation]))

    name = dict(zip(header, row, strict=True))["Name"]
    assert name == "'" + payload


def test_export_is_hidden_without_the_permission(intake_client, make_consultation):
    consultation = make_consultation()

    response = intake_client.get(CHANGELIST)
    assert "export_csv" not in response.content.decode()

    response = export(intake_client, [consultation])
    assert not response["Content-Type"].startswith("text/csv")
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORTED).exists()


def test_export_permission_alone_unlocks_the_action(
    staff_client_for, make_staff_user, make_consultation
):
    exporter = make_staff_user(
        "exporter", groups=["Intake staff"], permissions=["export_consultationrequest"]
    )
    client = staff_client_for(exporter)
    consultation = make_consultation()

    assert "export_csv" in client.get(CHANGELIST).content.decode()
    assert export(client, [consultation])["Content-Type"].startswith("text/csv")


def test_assignee_choice_offers_no_user_account_shortcuts(admin_client, make_consultation):
    """Picking a colleague never offers to add, change or delete user accounts from a request."""
    html = admin_client.get(change_url(make_consultation())).content.decode()
    assert 'id="id_assigned_to"' in html
    for shortcut in ("add_id_assigned_to", "change_id_assigned_to", "delete_id_assigned_to"):
        assert shortcut not in html


def test_list_sorts_by_calls_and_by_the_last_call(admin_client, make_consultation):
    now = timezone.now()
    requests = [make_consultation(created_at=now - timedelta(hours=hours)) for hours in (1, 2, 3)]
    # The first has 2 calls, the last 1 (made most recently), the middle one none.
    for consultation, hours_ago in ((requests[0], 30), (requests[0], 20), (requests[2], 5)):
        CallAttempt.objects.create(
            request=consultation,
            called_at=now - timedelta(hours=hours_ago),
            outcome=CallAttempt.Outcome.NO_ANSWER,
        )
    columns = admin_client.get(CHANGELIST).context["cl"].list_display
    calls, last_outcome = columns.index("call_count"), columns.index("last_outcome_display")
    first, middle, last = (consultation.pk for consultation in requests)

    assert result_ids(admin_client.get(CHANGELIST, {"o": f"-{calls}"})) == [first, last, middle]
    assert result_ids(admin_client.get(CHANGELIST, {"o": f"{calls}"})) == [middle, last, first]
    by_last_call = result_ids(admin_client.get(CHANGELIST, {"o": f"-{last_outcome}"}))
    # (Where a request never called goes depends on the database's place for NULL.)
    assert [pk for pk in by_last_call if pk != middle] == [last, first]


def test_open_requests_are_in_the_same_order_alone_as_among_all(admin_client, make_consultation):
    now = timezone.now()
    statuses = [Status.NEW, Status.CLOSED, Status.CONTACTING, Status.SCHEDULED, Status.NEW]
    for hours, status in enumerate(statuses):
        make_consultation(
            status=status,
            close_reason="duplicate" if status == Status.CLOSED else "",
            created_at=now - timedelta(hours=[3, 1, 5, 3, 2][hours]),  # two at the same time
        )
    everything = result_ids(admin_client.get(CHANGELIST, {"status": "all"}))
    open_ids = set(ConsultationRequest.objects.open().values_list("pk", flat=True))

    assert result_ids(admin_client.get(CHANGELIST)) == [pk for pk in everything if pk in open_ids]
    assert len(open_ids) == 4
    new_ids = set(
        ConsultationRequest.objects.filter(status=Status.NEW).values_list("pk", flat=True)
    )
    assert result_ids(admin_client.get(CHANGELIST, {"status": "new"})) == [
        pk for pk in everything if pk in new_ids
    ]
    assert len(new_ids) == 2
