"""A request's admin page with many call attempts: rendered with Jinja2 copies of the admin's
templates (the same markup), with every call still editable, and a constant number of queries."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import consultations.admin
from consultations.admin import CallAttemptInline
from consultations.models import AuditEntry, CallAttempt
from tests.site.test_form_renderer import normalised

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

Outcome = CallAttempt.Outcome


def change_url(consultation):
    return reverse("admin:consultations_consultationrequest_change", args=[consultation.pk])


@pytest.fixture
def with_calls(make_consultation, admin_user):
    """`with_calls(count, **fields)`: a request with `count` logged calls, notes included."""

    def make(count, **fields):
        consultation = make_consultation(**fields)
        now = timezone.now()
        CallAttempt.objects.bulk_create(
            CallAttempt(
                request=consultation,
                called_at=now - timedelta(hours=number + 1),
                called_by=admin_user,
                outcome=Outcome.NO_ANSWER if number % 2 else Outcome.LEFT_VOICEMAIL,
                notes=f"Call note {number}",
            )
            for number in range(count)
        )
        return consultation

    return make


def without_tokens(html):
    """The page without what changes on every request (CSRF token, CSP nonce)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'nonce="[^"]*"', "", html)


def page_with_djangos_templates(client, url, monkeypatch, data=None):
    with monkeypatch.context() as patched:
        patched.setattr(CallAttemptInline, "template", "admin/edit_inline/tabular.html")
        patched.setattr(consultations.admin, "FIELDSET_TEMPLATE", "admin/includes/fieldset.html")
        response = client.post(url, data) if data else client.get(url)
    return response.content.decode()


@pytest.fixture
def view_only_client(make_staff_user, staff_client_for):
    user = make_staff_user("viewer", permissions=["view_consultationrequest", "view_callattempt"])
    return staff_client_for(user)


@pytest.mark.parametrize("who", ["admin", "intake", "view only", "purged"])
def test_the_page_is_the_markup_of_djangos_admin_templates(
    who, with_calls, admin_client, intake_client, view_only_client, monkeypatch
):
    """The call attempts' table and the fieldsets in Jinja2 write what Django's templates
    write, for staff who may delete calls, who may not, who may only look, and on a request
    whose personal data was removed."""
    consultation = with_calls(3)
    client = {"admin": admin_client, "intake": intake_client, "view only": view_only_client}
    if who == "purged":
        consultation.personal_data_purged_at = timezone.now()
        consultation.save()
    client = client.get(who, admin_client)
    with time_machine.travel(timezone.now(), tick=False):
        ours = client.get(change_url(consultation)).content.decode()
        djangos = page_with_djangos_templates(client, change_url(consultation), monkeypatch)

    assert normalised(without_tokens(ours)) == normalised(without_tokens(djangos))


def test_a_page_with_errors_is_the_markup_of_djangos_admin_templates(
    with_calls, admin_client, monkeypatch
):
    from tests.consultations.test_admin import change_data

    consultation = with_calls(2)
    tomorrow = timezone.localtime() + timedelta(days=1)
    data = change_data(consultation, attempts=[{"outcome": "nonsense"}], status="closed") | {
        "call_attempts-0-called_at": tomorrow.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    with time_machine.travel(timezone.now(), tick=False):
        ours = admin_client.post(change_url(consultation), data).content.decode()
        djangos = page_with_djangos_templates(
            admin_client, change_url(consultation), monkeypatch, data
        )

    assert "A call cannot be logged in the future" in ours
    assert "errorlist" in ours
    assert normalised(without_tokens(ours)) == normalised(without_tokens(djangos))


def test_every_call_attempt_stays_editable_and_deletable(with_calls, admin_client):
    """Each of 20 calls keeps its time, outcome, note and delete box; a new call can be logged
    in the extra row, and "Add another" has its empty row to copy."""
    consultation = with_calls(20)

    html = admin_client.get(change_url(consultation)).content.decode()

    for index in range(20):
        for name in ("called_at", "outcome", "notes", "DELETE", "id"):
            assert f'name="call_attempts-{index}-{name}"' in html
    assert html.count("Call note ") == 20  # the notes, decrypted for staff who may see them
    assert 'name="call_attempts-20-outcome"' in html
    assert 'id="call_attempts-empty"' in html
    assert 'name="call_attempts-__prefix__-outcome"' in html
    assert 'data-inline-type="tabular"' in html and "js-inline-admin-formset" in html


def test_staff_without_the_delete_permission_get_no_delete_box(with_calls, intake_client):
    consultation = with_calls(3)

    html = intake_client.get(change_url(consultation)).content.decode()

    assert 'name="call_attempts-0-outcome"' in html
    assert "DELETE" not in html


def test_deleting_a_call_on_the_page_is_audited(with_calls, admin_client):
    from tests.consultations.test_admin import change_data

    consultation = with_calls(2)
    data = change_data(consultation) | {"call_attempts-0-DELETE": "on"}

    response = admin_client.post(change_url(consultation), data)

    assert response.status_code == 302
    assert consultation.call_attempts.count() == 1
    assert AuditEntry.objects.filter(
        request_id=consultation.pk, action=AuditEntry.Action.CALL_DELETED
    ).exists()


def test_an_overdue_request_says_so_on_its_page(make_consultation, admin_client):
    from tests.consultations.test_admin import overdue_moment

    consultation = make_consultation()
    consultation.created_at = overdue_moment()
    consultation.save()

    html = admin_client.get(change_url(consultation)).content.decode()

    assert "Overdue: not called yet" in html


def queries_of_the_page(client, consultation):
    client.get(change_url(consultation))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(change_url(consultation))
    assert response.status_code == 200
    return len(queries)


def test_queries_do_not_grow_with_the_calls(with_calls, admin_client):
    """Each row's choices, its caller's name and the notes come with the page's queries, not
    one query per call; and viewing is still audited (one of them)."""
    five = queries_of_the_page(admin_client, with_calls(5))
    twenty = queries_of_the_page(admin_client, with_calls(20))

    assert five == twenty <= 12
    assert AuditEntry.objects.filter(action=AuditEntry.Action.VIEWED).count() == 4


def test_the_media_tags_are_djangos_with_each_pages_own_nonce(with_calls, admin_client):
    consultation = with_calls(3)
    for _ in range(2):
        response = admin_client.get(change_url(consultation))
        html = response.content.decode()
        nonce = str(response.context["csp_nonce"])
        media = response.context["media"]
        assert media.render(attrs={"nonce": nonce}) in html
        for asset in ("jsi18n", "jquery.init.js", "inlines.js"):
            assert html.count(asset) == 1, asset


def test_a_calls_time_is_one_date_and_time_field_that_keeps_its_seconds(with_calls, admin_client):
    """The browser's own date and time control (a picker on phones and desktops, no script):
    the time shown to the second, so saving the page unchanged changes no call."""
    consultation = with_calls(1)
    attempt = consultation.call_attempts.get()
    shown = timezone.localtime(attempt.called_at).strftime("%Y-%m-%dT%H:%M:%S")

    html = admin_client.get(change_url(consultation)).content.decode()

    assert (
        f'<input type="datetime-local" name="call_attempts-0-called_at" value="{shown}" '
        'step="1" aria-label="Called at"'
    ) in html
    copy = shown.replace("T", " ")
    assert f'name="initial-call_attempts-0-called_at" value="{copy}"' in html
    assert "called_at_0" not in html and "DateTimeShortcuts.js" not in html


def test_the_head_of_the_page_is_djangos(with_calls, admin_client, monkeypatch):
    """The request page's template replaces Django's block that holds its media: what it writes
    stays what Django's own template and the site's base write."""
    from django.contrib import admin

    consultation = with_calls(3)
    ours = admin_client.get(change_url(consultation))
    model_admin = admin.site._registry[consultation.__class__]
    monkeypatch.setattr(model_admin, "change_form_template", "admin/change_form.html")
    djangos = admin_client.get(change_url(consultation))

    def head(response):
        html = response.content.decode()
        html = re.sub(r'nonce="[^"]*"', "", html[: html.index("</head>")])
        return re.sub(r">\s+<", "><", html)

    assert ours.templates[0].name.endswith("consultationrequest/change_form.html")
    assert djangos.templates[0].name == "admin/change_form.html"
    assert head(ours) == head(djangos)


class SentForm(HTMLParser):
    """What a browser sends from the page's change form: its controls as they stand."""

    def __init__(self):
        super().__init__()
        self.data, self.in_form = [], False
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id", "").endswith("_form"):
            self.in_form = True
        if not self.in_form or "disabled" in attrs:
            return
        kind = (attrs.get("type") or "text").lower()
        if tag == "input" and attrs.get("name") and kind not in ("submit", "button", "file"):
            if kind not in ("checkbox", "radio"):
                self.data.append((attrs["name"], attrs.get("value", "")))
            elif "checked" in attrs:
                self.data.append((attrs["name"], attrs.get("value", "on")))
        elif tag == "select":
            self.select = attrs.get("name")
        elif tag == "option" and self.select and "selected" in attrs:
            self.data.append((self.select, attrs.get("value", "")))
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.data.append((self.textarea[0], self.textarea[1].removeprefix("\n")))
            self.textarea = None


def test_the_page_sent_back_as_it_stands_changes_no_call(with_calls, admin_client):
    """Saving the page without touching it logs no call and changes none: each row carries
    the time the page showed it (Django's hidden copy of a "now" default), so a row another
    member of staff changed meanwhile is not written back over their change."""
    consultation = with_calls(3)
    url = change_url(consultation)
    html = admin_client.get(url).content.decode()
    copies = re.findall(r'name="(initial-call_attempts-[^"]+)"', html)
    assert {name.split("-")[2] for name in copies} == {"0", "1", "2", "3", "__prefix__"}
    parser = SentForm()
    parser.feed(html)
    before = list(CallAttempt.objects.filter(request=consultation).values().order_by("pk"))

    response = admin_client.post(url, dict(parser.data) | {"_continue": "Save"})

    assert response.status_code == 302
    after = list(CallAttempt.objects.filter(request=consultation).values().order_by("pk"))
    assert after == before
    call_entries = AuditEntry.objects.filter(
        action__in=[AuditEntry.Action.CALL_ADDED, AuditEntry.Action.CALL_CHANGED]
    )
    assert not call_entries.exists()


def sent_page(client, url):
    """The page's change form as a browser would send it back untouched."""
    parser = SentForm()
    parser.feed(client.get(url).content.decode())
    return dict(parser.data) | {"_continue": "Save"}


@pytest.mark.parametrize("seconds", [0, 33])
def test_a_new_call_left_at_the_time_the_page_showed_is_logged_when_saved(
    with_calls, admin_client, seconds
):
    """The new row shows the time the page was opened; a call logged without changing it was
    made since, so it is logged at the moment of saving. (A browser leaves out ":00" seconds.)"""
    consultation = with_calls(1)
    url = change_url(consultation)
    opened = timezone.now().replace(second=seconds, microsecond=0)
    with time_machine.travel(opened, tick=False):
        data = sent_page(admin_client, url)
    if seconds == 0:
        data["call_attempts-1-called_at"] = data["call_attempts-1-called_at"].removesuffix(":00")
    saved = opened + timedelta(minutes=12)

    with time_machine.travel(saved, tick=False):
        response = admin_client.post(url, data | {"call_attempts-1-outcome": "reached"})

    assert response.status_code == 302
    logged = CallAttempt.objects.filter(request=consultation).latest("pk")
    assert (logged.outcome, logged.called_at) == ("reached", saved)


def test_a_new_call_given_another_time_keeps_it(with_calls, admin_client):
    consultation = with_calls(1)
    url = change_url(consultation)
    earlier = timezone.localtime().replace(microsecond=0) - timedelta(hours=2)
    data = sent_page(admin_client, url) | {
        "call_attempts-1-outcome": "no_answer",
        "call_attempts-1-called_at": earlier.strftime("%Y-%m-%dT%H:%M:%S"),
    }

    response = admin_client.post(url, data)

    assert response.status_code == 302
    logged = CallAttempt.objects.filter(request=consultation).latest("pk")
    assert (logged.outcome, logged.called_at) == ("no_answer", earlier)


def test_the_call_time_says_it_is_the_clinics_time(with_calls, admin_client):
    html = admin_client.get(change_url(with_calls(1))).content.decode()

    assert 'alt="(In the clinic&#39;s time (US Central). Left as it is, a new call' in html
