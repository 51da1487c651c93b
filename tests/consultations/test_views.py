import logging
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from consultations.models import ConsultationRequest
from consultations.views import client_key

pytestmark = pytest.mark.django_db

URL = "/consultation/"
THANKS = "/consultation/thanks/"


@pytest.fixture
def submit(client, django_capture_on_commit_callbacks):
    """Post the form as a browser does, running what the view schedules after commit."""

    def post(data, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL, data, **extra)

    return post


def main_html(response):
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def test_form_page_shows_crisis_line_and_call_back_promise(client):
    """Above the form: not for emergencies, 988/911, one business day, the clinic's number."""
    main = main_html(client.get(URL))
    assert "This form is not for emergencies." in main
    assert 'href="tel:988"' in main and 'href="tel:911"' in main
    assert "within one business day" in main
    assert 'href="tel:+19522603550"' in main
    assert main.index("not for emergencies") < main.index("<form")


def test_form_page_works_without_javascript_and_is_labelled(client):
    """A plain POST form with a CSRF token; every visible field has a label; no inline script."""
    response = client.get(URL)
    html = response.content.decode()
    assert 'method="post" action="/consultation/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    for field in ("name", "phone", "email", "note", "heard_about", "consent"):
        assert f'<label for="id_{field}"' in html or f'for="id_{field}">' in html
    assert "<legend>Best times to call you</legend>" in html
    assert "<legend>May we leave a voicemail at this number?</legend>" in html
    assert 'aria-describedby="id_note_helptext"' in html
    assert "Please don’t write about your health or history here" in html
    assert re.search(r"<script>|<script [^>]*>[^<]+</script>| style=", html) is None
    assert response["Cache-Control"].startswith("max-age=0")


def test_valid_request_is_stored_and_redirects_to_thanks(submit, consultation_data):
    """POST/redirect/GET: the request is stored once, exactly as typed, phone in E.164."""
    consultation_data["name"] = "Siobhán O’Connor-李 🌻"
    response = submit(consultation_data)
    assert response.status_code == 302
    assert response["Location"].startswith(THANKS + "?by=")
    stored = ConsultationRequest.objects.get()
    assert stored.name == "Siobhán O’Connor-李 🌻"
    assert stored.phone == "+16515550123"
    assert stored.phone_national == "(651) 555-0123"
    assert stored.email == "jordan@example.com"
    assert stored.best_times == ["morning", "evening"]
    assert stored.voicemail_ok is False
    assert stored.note == "Please ask for Jordan."
    assert stored.heard_about == "clinician"
    assert stored.status == ConsultationRequest.Status.NEW
    assert len(stored.client_key) == 64 and len(stored.submission_fingerprint) == 64
    assert str(stored) == f"Request #{stored.pk}"


def test_thanks_page_says_what_happens_next_and_repeats_nothing(submit, client, consultation_data):
    """The thanks page gives the next steps and the phone number, and no personal data."""
    submit(consultation_data)
    response = client.get(THANKS)
    main = main_html(response)
    assert response.status_code == 200
    assert "What happens next" in main
    assert "within one business day" in main
    assert 'href="tel:+19522603550"' in main
    for value in ("Jordan", "555-0123", "jordan@example.com", "Please ask for"):
        assert value not in response.content.decode()


def test_errors_keep_every_value_and_summarise_with_links(client, consultation_data):
    """One mistake: the form comes back with all typed values and a linked, announced summary."""
    consultation_data.update(phone="555-0123", note="Évenings — “after 6” 🙂")
    response = client.post(URL, consultation_data)
    html = response.content.decode()
    assert response.status_code == 200
    assert ConsultationRequest.objects.count() == 0
    summary = html[
        html.index('id="error-summary"') : html.index("</div>", html.index("error-summary"))
    ]
    assert 'role="alert"' in html and 'tabindex="-1"' in summary
    assert "Please check 1 answer</h2>" in summary
    assert '<a href="#id_phone">Enter a phone number we can call' in summary
    assert 'value="Jordan Rivera"' in html
    assert 'value="555-0123"' in html
    assert 'value="jordan@example.com"' in html
    assert "Évenings — “after 6” 🙂</textarea>" in html
    assert 'value="morning" id="id_best_times_0" checked' in html
    assert 'value="evening" id="id_best_times_3" checked' in html
    assert 'value="no" required id="id_voicemail_ok_1" checked' in html
    assert '<option value="clinician" selected>' in html
    assert 'name="consent" required id="id_consent" checked' in html
    assert 'aria-invalid="true" aria-describedby="id_phone_helptext id_phone_error"' in html
    assert '<p class="field-error" id="id_phone_error">' in html
    assert "<title>Please check your answers:" in html


def test_group_errors_link_to_their_first_option(client):
    """Summary links for radio and checkbox groups land on the first option."""
    html = client.post(URL, {}).content.decode()
    assert '<a href="#id_best_times_0">' in html
    assert '<a href="#id_voicemail_ok_0">' in html
    assert '<a href="#id_consent">' in html
    assert '<fieldset aria-describedby="id_voicemail_ok_helptext id_voicemail_ok_error">' in html


def test_csrf_is_enforced(consultation_data):
    """A post without the CSRF token is refused and stores nothing."""
    response = Client(enforce_csrf_checks=True).post(URL, consultation_data)
    assert response.status_code == 403
    assert ConsultationRequest.objects.count() == 0


def test_honeypot_is_rendered_once_inside_its_hidden_box(client):
    """The trap field never appears among the fields people fill in."""
    html = client.get(URL).content.decode()
    assert html.count('name="leave_this_empty"') == 1
    hidden_box = html.split('<div class="honeypot" aria-hidden="true">', 1)[1].split("</div>", 1)[0]
    assert 'name="leave_this_empty"' in hidden_box


def test_honeypot_gets_thanks_page_and_stores_nothing(submit, consultation_data, caplog):
    """A bot that fills the hidden field sees the normal thanks page; nothing is stored or sent.

    Each catch is logged, without content, so a person caught by mistake can be noticed.
    """
    response = submit({**consultation_data, "leave_this_empty": "Cheap pills"})
    assert response.status_code == 302 and response["Location"] == THANKS
    assert ConsultationRequest.objects.count() == 0
    assert mail.outbox == []
    assert "hidden field was filled" in caplog.text
    assert "Cheap pills" not in caplog.text and consultation_data["name"] not in caplog.text


def test_honeypot_wins_even_over_invalid_data(submit):
    """A bot that fills everything badly still just gets the thanks page."""
    response = submit({"leave_this_empty": "x", "phone": "nope", "voicemail_ok": "maybe"})
    assert response.status_code == 302 and response["Location"] == THANKS
    assert ConsultationRequest.objects.count() == 0


def test_identical_resubmission_stores_nothing_new(submit, client, consultation_data):
    """Double click or back-and-submit: same thanks page, one request, one email."""
    first = submit(consultation_data)
    second = submit(consultation_data)
    # The resubmission's thanks page has the general wording: it carries no call-back date.
    assert first["Location"].startswith(THANKS + "?by=") and second["Location"] == THANKS
    assert ConsultationRequest.objects.count() == 1
    assert len(mail.outbox) == 1


def test_same_request_after_the_window_is_a_new_request(submit, consultation_data, settings):
    """Outside the duplicate window the same details are taken as a fresh request."""
    submit(consultation_data)
    ConsultationRequest.objects.update(
        created_at=timezone.now()
        - timedelta(minutes=settings.CONSULTATION_DUPLICATE_WINDOW_MINUTES, seconds=1)
    )
    submit(consultation_data)
    assert ConsultationRequest.objects.count() == 2


def test_changed_resubmission_is_a_new_request(submit, consultation_data):
    submit(consultation_data)
    submit({**consultation_data, "note": "Actually, ask for Jo."})
    assert ConsultationRequest.objects.count() == 2


def varied(data, number):
    return {**data, "name": f"Person {number}"}


def test_per_client_limit_answers_429_with_the_phone_number(submit, consultation_data, settings):
    """The sixth request in an hour from one client gets a friendly 429 page and is not stored."""
    settings.CONSULTATION_RATE_LIMIT_PER_HOUR = 5
    for number in range(5):
        assert submit(varied(consultation_data, number)).status_code == 302
    response = submit(varied(consultation_data, 99))
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    main = main_html(response)
    assert 'href="tel:+19522603550"' in main and "(952) 260-3550" in main
    assert "Please call us" in main
    assert ConsultationRequest.objects.count() == 5
    # Nothing typed is lost: the form comes back filled in.
    assert 'value="Person 99"' in main
    assert 'value="(651) 555-0123"' in main


def test_limit_is_per_client(submit, consultation_data, settings):
    """Another client address is unaffected by the first one reaching the limit."""
    settings.CONSULTATION_RATE_LIMIT_PER_HOUR = 2
    for number in range(2):
        submit(varied(consultation_data, number), REMOTE_ADDR="203.0.113.7")
    assert submit(varied(consultation_data, 3), REMOTE_ADDR="203.0.113.7").status_code == 429
    assert submit(varied(consultation_data, 4), REMOTE_ADDR="198.51.100.9").status_code == 302


def test_limit_counts_only_the_last_hour(submit, consultation_data, settings):
    settings.CONSULTATION_RATE_LIMIT_PER_HOUR = 1
    submit(varied(consultation_data, 1))
    ConsultationRequest.objects.update(created_at=timezone.now() - timedelta(minutes=61))
    assert submit(varied(consultation_data, 2)).status_code == 302


def test_limit_is_counted_in_the_database(submit, consultation_data, settings):
    """Requests stored by any app server count: the limit reads the table, not a local cache."""
    settings.CONSULTATION_RATE_LIMIT_PER_HOUR = 1
    ConsultationRequest.objects.create(
        name="x", phone="+16515550100", voicemail_ok=True, client_key=client_key("127.0.0.1")
    )
    assert submit(consultation_data).status_code == 429


def test_client_key_is_a_keyed_hash_not_the_address(submit, consultation_data):
    submit(consultation_data, REMOTE_ADDR="203.0.113.7")
    stored = ConsultationRequest.objects.get()
    assert "203.0.113" not in stored.client_key
    assert stored.client_key == client_key("203.0.113.7") != client_key("203.0.113.8")


def test_forwarded_header_is_ignored_without_trusted_proxies(submit, consultation_data, settings):
    """With no proxy configured, a client cannot pick its address with X-Forwarded-For."""
    settings.TRUSTED_PROXY_COUNT = 0
    submit(consultation_data, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert ConsultationRequest.objects.get().client_key == client_key("10.0.0.2")


def test_trusted_proxy_count_picks_the_right_forwarded_address(submit, consultation_data, settings):
    """Behind one proxy the client is the last X-Forwarded-For entry; forged ones left of it
    are ignored."""
    settings.TRUSTED_PROXY_COUNT = 1
    submit(
        consultation_data,
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7",
    )
    assert ConsultationRequest.objects.get().client_key == client_key("203.0.113.7")
    settings.TRUSTED_PROXY_COUNT = 2
    submit(
        {**consultation_data, "name": "Other"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.8, 10.0.0.1",
    )
    assert ConsultationRequest.objects.filter(client_key=client_key("203.0.113.8")).exists()


UGLY_POSTS = {
    "nul bytes everywhere": lambda d: {
        k: "\x00" if isinstance(v, str) else v for k, v in d.items()
    },
    "nul in the note": lambda d: {**d, "note": "a\x00b"},
    "nul in a choice": lambda d: {**d, "voicemail_ok": "yes\x00", "best_times": ["morning\x00"]},
    "a megabyte name": lambda d: {**d, "name": "A" * 1_000_000},
    "a megabyte note": lambda d: {**d, "note": "é" * 500_000},
    "a megabyte phone": lambda d: {**d, "phone": "6" * 1_000_000},
    "only missing fields": lambda d: {},
    "lists where strings go": lambda d: {**d, "name": ["a", "b"], "voicemail_ok": ["yes", "no"]},
    "forged choices": lambda d: {**d, "best_times": ["dawn"], "heard_about": "tv"},
    "html and sql": lambda d: {**d, "name": "<script>alert(1)</script>'; DROP TABLE x;--"},
    "consent forged": lambda d: {**d, "consent": "maybe"},
}


@pytest.mark.parametrize("make", UGLY_POSTS.values(), ids=UGLY_POSTS.keys())
def test_ugly_input_never_errors_or_leaves_a_partial_row(submit, consultation_data, make):
    """Whatever is posted: no 500, and either one whole request or none at all."""
    response = submit(make(consultation_data))
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert ConsultationRequest.objects.count() == 0
        assert 'id="error-summary"' in response.content.decode()
    else:
        stored = ConsultationRequest.objects.get()
        assert stored.phone.startswith("+") and stored.best_times


def test_html_in_a_name_is_stored_as_text_and_escaped(submit, client, consultation_data):
    name = "<b>Ann</b> & Co"
    submit({**consultation_data, "name": name})
    assert ConsultationRequest.objects.get().name == name
    html = client.post(URL, {"name": name}).content.decode()
    assert "&lt;b&gt;Ann&lt;/b&gt; &amp; Co" in html and "<b>Ann</b>" not in html


def test_undecodable_bytes_do_not_break_the_form(client):
    """A body that is not UTF-8 comes back as a form with errors, not a server error."""
    response = client.post(
        URL,
        b"name=%FF%FE%00%ED%A0%80&phone=%C3%28&voicemail_ok=%80",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert ConsultationRequest.objects.count() == 0


def test_body_over_the_upload_limit_is_refused_cleanly(client, consultation_data, settings):
    """Past DATA_UPLOAD_MAX_MEMORY_SIZE Django answers 400 itself; nothing stored, no 500."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    response = client.post(URL, {**consultation_data, "note": "x" * 200_000})
    assert response.status_code == 400
    assert ConsultationRequest.objects.count() == 0


def test_too_many_fields_are_refused_cleanly(client, consultation_data):
    """Thousands of form fields hit DATA_UPLOAD_MAX_NUMBER_FIELDS: 400, nothing stored."""
    data = {**consultation_data, **{f"f{number}": "x" for number in range(1500)}}
    assert client.post(URL, data).status_code == 400
    assert ConsultationRequest.objects.count() == 0


def test_submitted_values_never_reach_the_logs(submit, consultation_data, caplog):
    """Every log record written while a request is posted and notified carries none of it."""
    values = {
        **consultation_data,
        "name": "Quillon Zebediah",
        "email": "quillon.zebediah@example.net",
        "note": "Xylophonic marmalade",
        "phone": "(651) 555-0187",
    }
    with caplog.at_level(logging.DEBUG):
        submit(values)
        submit({**values, "phone": "bad number"})
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Request #" in logged  # the view does log, just nothing personal
    for secret in ("Quillon", "Zebediah", "quillon.zebediah", "Xylophonic", "555-0187", "5550187"):
        assert secret not in logged


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+16515550123", "(651) 555-0123"),
        ("+442079460958", "+44 20 7946 0958"),
        ("", ""),
        ("not a number", "not a number"),
    ],
)
def test_phone_is_shown_in_national_format(stored, shown):
    """Stored E.164 is shown as people write it; anything else is shown as stored, never a crash."""
    assert ConsultationRequest(phone=stored).phone_national == shown
