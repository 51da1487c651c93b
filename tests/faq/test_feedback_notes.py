from datetime import timedelta
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from faq.models import ClientHourCount, Feedback, MissedSearch

pytestmark = pytest.mark.django_db

NOTE = "Whether the lozenge tastes bitter"


def test_a_note_is_stored_encrypted_with_no_identifier(send_note, make_question):
    question = make_question()
    response = send_note(question, NOTE)
    assert response.status_code == 302
    assert response["Location"].endswith(f"?voted={question.slug}&answer=told#vote-thanks")
    note = Feedback.objects.get()
    assert (note.text, note.question, note.day) == (NOTE, question, timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM faq_feedback")
        (stored,) = cursor.fetchone()
    assert "lozenge" not in stored and stored.startswith("gAAAA")
    assert {field.name for field in Feedback._meta.get_fields()} == {
        "id",
        "question",
        "text",
        "day",
    }


def test_after_a_note_the_answer_says_thank_you(client, send_note, make_question):
    question = make_question()
    page = client.get(send_note(question, NOTE)["Location"]).content.decode()
    assert "Thank you for telling us" in page
    assert "What were you hoping to find?" not in page


def test_a_note_too_long_comes_back_with_what_to_fix_and_what_was_typed(send_note, make_question):
    question = make_question()
    typed = "a" * 301
    response = send_note(question, typed)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Please shorten this to 300 characters or fewer (it has 301)." in page
    assert f">{typed}</textarea>" in page
    assert 'aria-invalid="true"' in page
    assert not Feedback.objects.exists()


def test_the_note_box_asks_for_no_personal_details_and_shows_the_limit(client, make_question):
    question = make_question()
    page = client.get(f"{question.get_absolute_url()}?voted={question.slug}&answer=no").content
    page = page.decode()
    assert 'maxlength="300"' in page and "up to 300 characters" in page
    assert "Please don't include your name, contact details or anything about your health" in page
    assert 'href="/consultation/' in page and "(952) 260-3550" in page


def test_notes_from_other_sites_are_refused(send_note, make_question):
    question = make_question()
    response = send_note(question, NOTE, headers={"Origin": "https://elsewhere.example"})
    assert response.status_code == 403
    assert not Feedback.objects.exists()


def test_the_honeypot_keeps_no_note(send_note, make_question):
    question = make_question()
    response = send_note(question, NOTE, leave_this_empty="bot")
    assert response.status_code == 302
    assert not Feedback.objects.exists()


def test_notes_are_capped_per_day(send_note, make_question, settings):
    settings.FAQ_FEEDBACK_TEXTS_PER_DAY = 2
    question = make_question()
    responses = [send_note(question, f"Note {number}") for number in range(4)]
    assert {response.status_code for response in responses} == {302}
    assert Feedback.objects.count() == 2


def test_notes_count_towards_the_hourly_limit(send_note, vote, make_question, settings):
    settings.FAQ_FEEDBACK_PER_CLIENT_PER_HOUR = 2
    question = make_question()
    vote(question, "no")
    send_note(question, "First")
    send_note(question, "Second")
    assert list(Feedback.objects.values_list("text", flat=True)) == ["First"]


def test_purge_deletes_old_notes_searches_and_counters_only(make_question, settings):
    settings.FAQ_FEEDBACK_RETENTION_DAYS = 90
    settings.FAQ_MISSED_SEARCH_RETENTION_DAYS = 180
    question = make_question()
    today = timezone.localdate()
    old_note = Feedback.objects.create(question=question, text="old", day=today - timedelta(91))
    kept_note = Feedback.objects.create(question=question, text="kept", day=today - timedelta(90))
    MissedSearch.objects.create(text="old search", day=today - timedelta(181), count=3)
    MissedSearch.objects.create(text="kept search", day=today - timedelta(180), count=1)
    ClientHourCount.objects.create(key="a" * 64, hour=timezone.now() - timedelta(hours=2))

    dry = StringIO()
    call_command("purge_faq_feedback", "--dry-run", stdout=dry)
    assert "Would delete 1 note(s), 1 search count(s) and 1 hourly counter(s)." in dry.getvalue()
    assert Feedback.objects.filter(pk=old_note.pk).exists()

    out = StringIO()
    call_command("purge_faq_feedback", stdout=out)
    assert "Deleted 1 note(s), 1 search count(s) and 1 hourly counter(s)" in out.getvalue()
    assert list(Feedback.objects.all()) == [kept_note]
    assert list(MissedSearch.objects.values_list("text", flat=True)) == ["kept search"]
    assert not ClientHourCount.objects.exists()


def test_key_rotation_re_encrypts_the_notes_too(make_question, settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    note = Feedback.objects.create(question=make_question(), text=NOTE, day=timezone.localdate())
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    out = StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "faq.Feedback.text: re-encrypted 1 value(s)." in out.getvalue()
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    assert Feedback.objects.get(pk=note.pk).text == NOTE
