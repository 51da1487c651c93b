"""Rows stored by clinic.inserts.insert_new are the rows save() stores, with the same signals,
and the tasks queued by the site's task backend are the library's, run by its worker."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, models, transaction
from django.db.models.functions import Now
from django.db.models.signals import post_save, pre_save
from django.db.transaction import TransactionManagementError
from django.tasks import task_backends
from django.tasks.signals import task_enqueued
from django.test.utils import CaptureQueriesContext, isolate_apps
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from clinic.inserts import insert_new, insert_statement
from consultations.models import ConsultationRequest, number_key
from consultations.tasks import notify_staff_of_request

pytestmark = pytest.mark.django_db

SITE_BACKEND = "clinic.task_backend.DatabaseBackend"


def unsaved(**fields):
    return ConsultationRequest(
        **{
            "name": "Zoë O'Brien-Søren",
            "phone": "+16515550123",
            "email": "zoe@example.org",
            "best_times": ["morning", "evening"],
            "voicemail_ok": False,
            "note": "Ask for Zoë.\nAfter 3 on Tuesdays, please.",
            "call_language": "other",
            "call_language_other": "Hmong",
            "interpreter": True,
            "heard_about": "search",
            "call_at": timezone.now().replace(microsecond=0) + timedelta(days=2),
            "client_key": "c" * 64,
            "submission_fingerprint": "f" * 64,
            **fields,
        }
    )


def stored_values(pk):
    """The row as read back, without what differs between any two rows."""
    row = ConsultationRequest.objects.values().get(pk=pk)
    for name in ("id", "created_at", "updated_at"):
        row.pop(name)
    return row


def test_the_row_insert_new_stores_is_the_row_save_stores():
    by_save, by_insert = unsaved(), unsaved()
    before = timezone.now()
    by_save.save()
    with CaptureQueriesContext(connection) as queries:
        insert_new(by_insert)

    # One statement, the one built once: not save()'s.
    assert insert_statement(ConsultationRequest, "default") is not None
    assert len(queries) == 1 and queries[0]["sql"].startswith("INSERT INTO")

    assert by_insert.pk is not None and by_insert.pk != by_save.pk
    assert not by_insert._state.adding and by_insert._state.db == "default"
    assert stored_values(by_insert.pk) == stored_values(by_save.pk)
    stored = ConsultationRequest.objects.get(pk=by_insert.pk)
    assert stored.note == "Ask for Zoë.\nAfter 3 on Tuesdays, please."
    assert stored.phone_key == number_key("+16515550123") != ""
    assert stored.updated_at >= before  # auto_now: given by the field at insert time
    assert (stored.created_at, stored.updated_at) == (by_insert.created_at, by_insert.updated_at)
    # Encrypted at rest like every note: the raw column holds no part of it.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT note FROM {ConsultationRequest._meta.db_table} WHERE id = %s",  # noqa: S608
            [by_insert.pk],
        )
        (raw_note,) = cursor.fetchone()
    assert "Zoë" not in raw_note and "Tuesdays" not in raw_note


def test_insert_new_sends_the_signals_save_sends():
    heard = []

    def record(signal, **kwargs):
        heard.append(
            (
                "pre" if signal is pre_save else "post",
                kwargs.get("created"),
                kwargs["update_fields"],
                kwargs["raw"],
                kwargs["using"],
                kwargs["instance"].pk is None,
            )
        )

    for signal in (pre_save, post_save):
        signal.connect(record, sender=ConsultationRequest, weak=False)
    try:
        unsaved().save()
        by_save, heard[:] = list(heard), []
        insert_new(unsaved())
    finally:
        for signal in (pre_save, post_save):
            signal.disconnect(record, sender=ConsultationRequest)

    assert heard == by_save
    assert heard == [
        ("pre", None, None, False, "default", True),
        ("post", True, None, False, "default", False),
    ]


def test_a_failed_insert_leaves_the_transaction_to_be_rolled_back_as_save_does():
    refused = unsaved(status=ConsultationRequest.Status.CLOSED)  # closed without a reason
    with pytest.raises(TransactionManagementError), transaction.atomic():
        with pytest.raises(IntegrityError):
            insert_new(refused)
        ConsultationRequest.objects.count()  # the transaction is broken: refused, not run
    assert ConsultationRequest.objects.count() == 0


def test_what_insert_new_cannot_do_as_save_would_is_done_by_save(make_staff_user):
    numbered = unsaved(pk=4242)  # a key given: stored under it, as save() does
    insert_new(numbered)
    assert ConsultationRequest.objects.filter(pk=4242).exists()

    timed = unsaved(created_at=Now())  # an expression: save() resolves it
    insert_new(timed)
    timed.refresh_from_db()
    assert timed.created_at is not None

    staff = make_staff_user("not-stored-yet")
    staff.pk = None
    staff._state.adding = True
    with pytest.raises(ValueError, match="unsaved related object"):
        insert_new(unsaved(assigned_to=staff))
    assert ConsultationRequest.objects.count() == 2


def test_a_row_already_stored_is_saved_again_not_inserted_twice():
    consultation = unsaved()
    insert_new(consultation)
    consultation.phone = "+16125550111"
    insert_new(consultation)

    assert ConsultationRequest.objects.count() == 1
    stored = ConsultationRequest.objects.get()
    assert (stored.phone, stored.phone_key) == ("+16125550111", number_key("+16125550111"))


def test_the_phone_key_follows_the_number_whichever_way_the_row_is_saved():
    saved, inserted = unsaved(), unsaved(phone="+16125550111")
    saved.save()
    insert_new(inserted)
    (bulk,) = ConsultationRequest.objects.bulk_create([unsaved(phone="+17635550100")])
    saved.phone = "+19525550177"
    saved.save(update_fields=["phone"])

    keys = dict(ConsultationRequest.objects.values_list("phone", "phone_key"))
    assert keys == {
        "+19525550177": number_key("+19525550177"),
        "+16125550111": number_key("+16125550111"),
        "+17635550100": number_key("+17635550100"),
    }
    assert bulk.phone_key == number_key("+17635550100")


@isolate_apps("django.contrib.contenttypes")
def test_models_it_cannot_store_as_save_would_are_left_to_save():
    # Models made for this test only, in no database, never shown (no __str__).
    class Plain(models.Model):  # noqa: DJ008
        label = models.CharField(max_length=10)

        class Meta:
            app_label = "contenttypes"

    class Child(Plain):  # noqa: DJ008
        extra = models.CharField(max_length=10)

        class Meta:
            app_label = "contenttypes"

    class WithDatabaseDefault(models.Model):  # noqa: DJ008
        made = models.DateTimeField(db_default=models.functions.Now())

        class Meta:
            app_label = "contenttypes"

    class WithGeneratedColumn(models.Model):  # noqa: DJ008
        price = models.IntegerField()
        doubled = models.GeneratedField(
            expression=models.F("price") * 2, output_field=models.IntegerField(), db_persist=True
        )

        class Meta:
            app_label = "contenttypes"

    class WithItsOwnSave(models.Model):  # noqa: DJ008
        label = models.CharField(max_length=10)

        class Meta:
            app_label = "contenttypes"

        def save(self, *args, **kwargs):
            super().save(*args, **kwargs)

    class Ordered(models.Model):  # noqa: DJ008
        parent = models.ForeignKey(Plain, on_delete=models.CASCADE)

        class Meta:
            app_label = "contenttypes"
            order_with_respect_to = "parent"

    sql, fields, returned = insert_statement(Plain, "default")
    assert [field.name for field in fields] == ["label"] and returned is Plain._meta.pk
    for model in (Child, WithDatabaseDefault, WithGeneratedColumn, WithItsOwnSave, Ordered):
        assert insert_statement(model, "default") is None, model


@pytest.mark.django_db(transaction=True)  # the worker closes and reopens connections
def test_the_site_backend_queues_the_row_the_library_queues_and_its_worker_runs_it(
    settings, make_consultation
):
    consultation = make_consultation()
    sent = []

    def record(sender, task_result, **kwargs):
        sent.append(task_result)

    rows = {}
    task_enqueued.connect(record, weak=False)
    try:
        for backend in ("django_tasks_db.DatabaseBackend", SITE_BACKEND):
            settings.TASKS = {"default": {"BACKEND": backend}}
            task_backends["default"]  # the backend for these settings
            result = notify_staff_of_request.enqueue(consultation.pk)
            row = DBTaskResult.objects.values().get(pk=result.id)
            assert sent[-1].id == result.id
            if backend == SITE_BACKEND:
                assert sent[-1] is result  # built once, for the signal and the caller alike
            rows[backend] = {
                name: value for name, value in row.items() if name not in ("id", "enqueued_at")
            }
    finally:
        task_enqueued.disconnect(record)

    assert len(sent) == 2
    assert insert_statement(DBTaskResult, "default") is not None
    assert rows[SITE_BACKEND] == rows["django_tasks_db.DatabaseBackend"]
    assert rows[SITE_BACKEND]["status"] == "READY"
    assert rows[SITE_BACKEND]["args_kwargs"] == {"args": [consultation.pk], "kwargs": {}}
    queued = DBTaskResult.objects.ready().filter(backend_name="default")
    assert queued.count() == 2  # the library's own receiver gave both a "run now" time

    settings.CONSULTATION_NOTIFY_EMAILS = ["intake@clinic.test"]
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=StringIO())
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
