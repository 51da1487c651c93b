import importlib
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection

from consultations.models import CallAttempt, ConsultationRequest

pytestmark = pytest.mark.django_db

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
NOTE = "Call after 3 — ask for “Sam” 🌻"


def raw_note(pk):
    """The note column exactly as the database holds it."""
    table = connection.ops.quote_name(ConsultationRequest._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT note FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def make_request(note=NOTE):
    return ConsultationRequest.objects.create(
        name="Sam", phone="+16515550123", voicemail_ok=True, note=note
    )


def test_note_column_holds_ciphertext_and_the_model_reads_plain_text():
    """The database never sees the note in clear; Python code always does."""
    request = make_request()
    stored = raw_note(request.pk)
    assert "Call after" not in stored and " " not in stored
    assert stored.startswith("gAAAAA")  # a Fernet token
    key = django_settings.FIELD_ENCRYPTION_KEYS[0]
    assert Fernet(key).decrypt(stored.encode()).decode() == NOTE
    assert ConsultationRequest.objects.get(pk=request.pk).note == NOTE


def test_same_note_encrypts_differently_each_time():
    """Fernet tokens carry a random IV: equal notes cannot be spotted by equal ciphertext."""
    first, second = make_request(), make_request()
    assert raw_note(first.pk) != raw_note(second.pk)


def test_empty_note_stays_empty():
    request = make_request(note="")
    assert raw_note(request.pk) == ""
    assert ConsultationRequest.objects.get(pk=request.pk).note == ""


def test_note_from_the_form_is_encrypted(client, consultation_data):
    client.post("/consultation/", {**consultation_data, "note": NOTE})
    request = ConsultationRequest.objects.get()
    assert "Call after" not in raw_note(request.pk)
    assert request.note == NOTE


def test_rotation_reencrypts_with_the_newest_key(settings):
    """New key first, old key kept: old rows still read; the command moves them to the new key."""
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    old, empty = make_request(), make_request(note="")
    assert Fernet(OLD_KEY).decrypt(raw_note(old.pk).encode()).decode() == NOTE

    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    assert ConsultationRequest.objects.get(pk=old.pk).note == NOTE
    new = make_request(note="written after the new key")
    assert Fernet(NEW_KEY).decrypt(raw_note(new.pk).encode()) == b"written after the new key"

    out = StringIO()
    call_command("rotate_encryption_keys", "--dry-run", stdout=out)
    assert "consultations.ConsultationRequest.note: 1 value(s) would be re-encrypted." in (
        out.getvalue()
    )
    assert Fernet(OLD_KEY).decrypt(raw_note(old.pk).encode()).decode() == NOTE

    call_command("rotate_encryption_keys", stdout=out)
    assert "re-encrypted 1 value(s)." in out.getvalue()
    assert Fernet(NEW_KEY).decrypt(raw_note(old.pk).encode()).decode() == NOTE
    assert raw_note(empty.pk) == ""

    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]  # the old key retired
    assert ConsultationRequest.objects.get(pk=old.pk).note == NOTE
    assert ConsultationRequest.objects.get(pk=new.pk).note == "written after the new key"


def test_a_row_no_key_can_read_fails_loudly(settings):
    """Retiring a key too early raises, rather than showing ciphertext or an empty note."""
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    request = make_request()
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(InvalidToken):
        ConsultationRequest.objects.get(pk=request.pk)


def test_migration_encrypts_notes_stored_in_clear():
    """Rows written before the field was encrypted are encrypted by migration 0002."""
    request = make_request(note="")
    table = connection.ops.quote_name(ConsultationRequest._meta.db_table)
    with connection.cursor() as cursor:
        sql = f"UPDATE {table} SET note = %s WHERE id = %s"  # noqa: S608
        cursor.execute(sql, ["plain old note", request.pk])
    migration = importlib.import_module("consultations.migrations.0002_encrypt_note")
    editor = SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name)
    migration.encrypt_existing_notes(apps, editor)
    assert raw_note(request.pk).startswith("gAAAAA")
    assert ConsultationRequest.objects.get(pk=request.pk).note == "plain old note"
    migration.encrypt_existing_notes(apps, editor)  # running again changes nothing
    assert ConsultationRequest.objects.get(pk=request.pk).note == "plain old note"


def load_settings(**env):
    """Import the settings in a fresh interpreter with exactly this environment."""
    base = {k: v for k, v in os.environ.items() if k != "FIELD_ENCRYPTION_KEYS"}
    return subprocess.run(
        [sys.executable, "-c", "import clinic.settings"],
        env={**base, "SECRET_KEY": "x" * 50, **env},
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_keys_refuses_to_start():
    result = load_settings(DEBUG="off")
    assert result.returncode != 0
    assert "ImproperlyConfigured: FIELD_ENCRYPTION_KEYS is not set" in result.stderr


def test_a_malformed_key_refuses_to_start():
    result = load_settings(DEBUG="off", FIELD_ENCRYPTION_KEYS="not-a-key")
    assert result.returncode != 0
    assert "not a Fernet key" in result.stderr


def test_development_has_a_default_key():
    assert load_settings(DEBUG="on").returncode == 0


def test_staff_call_notes_are_encrypted_too(admin_user):
    """Call notes are where staff write what the patient told them: never in plain text."""
    request = make_request(note="")
    attempt = CallAttempt.objects.create(
        request=request, called_by=admin_user, outcome="reached", notes="Mentioned nightmares"
    )
    table = connection.ops.quote_name(CallAttempt._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT notes FROM {table} WHERE id = %s", [attempt.pk])  # noqa: S608
        stored = cursor.fetchone()[0]
    assert "nightmares" not in stored
    assert CallAttempt.objects.get(pk=attempt.pk).notes == "Mentioned nightmares"
