from cryptography.fernet import InvalidToken
from django.db import migrations

import consultations.fields


def encrypt_existing_notes(apps, schema_editor):
    """Encrypt notes stored before the field was encrypted (read and written as raw column values)."""
    Request = apps.get_model("consultations", "ConsultationRequest")
    table = schema_editor.quote_name(Request._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, note FROM {table} WHERE note <> ''")  # noqa: S608
        rows = cursor.fetchall()
        for pk, note in rows:
            try:
                consultations.fields.decrypt(note)
            except (InvalidToken, UnicodeEncodeError):
                cursor.execute(
                    f"UPDATE {table} SET note = %s WHERE id = %s",  # noqa: S608
                    [consultations.fields.encrypt(note), pk],
                )


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="consultationrequest",
            name="note",
            field=consultations.fields.EncryptedTextField(
                blank=True, help_text="Encrypted in the database.", verbose_name="note"
            ),
        ),
        migrations.RunPython(encrypt_existing_notes, migrations.RunPython.noop, elidable=True),
    ]
