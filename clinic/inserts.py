"""Storing one new row with an INSERT statement built once per model and database.

For the rows stored on every patient's submission (the request and the task that tells staff):
building the INSERT through the ORM cost more than running it, about a fifth of the submission's
CPU between the two (docs/benchmarks.md). Everything else is what ``Model.save()`` does for a new
row: related objects are checked, each field gives its own value (``pre_save`` and
``get_db_prep_save``: defaults, ``auto_now``, encryption, JSON), the save signals are sent, and
the key the database chose is set on the instance.

Anything this does not do as ``save()`` would is left to ``save()``: a model with parent tables,
``order_with_respect_to``, database defaults, generated or other returned columns, custom
placeholders, or a ``save()`` of its own (unless it says, with ``SAVE_ADDS_NOTHING_TO_INSERTS``,
that its ``save()`` adds nothing to a new row); a database other than PostgreSQL or SQLite, or
one without RETURNING; an instance already stored, with its auto key already set, or holding a
database expression.
"""

from functools import cache

from django.db import connections, models, router, transaction
from django.db.models.signals import post_save, pre_save

SUPPORTED_VENDORS = {"postgresql", "sqlite"}


def saves_plainly(model):
    return model.save is models.Model.save or getattr(model, "SAVE_ADDS_NOTHING_TO_INSERTS", False)


@cache
def insert_statement(model, alias):
    """(SQL, fields whose values it takes, the auto field the database returns or None), or None
    when the row must be stored by ``save()``."""
    connection = connections[alias]
    meta = model._meta
    fields = meta.local_concrete_fields
    returned = meta.pk if meta.pk.db_returning else None
    if (
        connection.vendor not in SUPPORTED_VENDORS
        or meta.parents
        or meta.proxy
        or meta.order_with_respect_to
        or not saves_plainly(model)
        or (
            returned is not None
            and (
                returned is not meta.auto_field
                or not connection.features.can_return_columns_from_insert
            )
        )
        or any(
            field.generated
            or field.has_db_default()
            or hasattr(field, "get_placeholder")
            or (field.db_returning and field is not returned)
            for field in fields
        )
    ):
        return None
    fields = [field for field in fields if field is not returned]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Only names quoted from the model's options are formatted in; values are parameters.
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    if returned is not None:
        sql += f" RETURNING {quote(returned.column)}"
    return sql, fields, returned


def insert_new(instance):
    """Store ``instance``, a row not saved yet, as ``instance.save()`` would."""
    model = type(instance)
    alias = router.db_for_write(model, instance=instance)
    statement = insert_statement(model, alias)
    sql, fields, returned = statement or (None, (), None)
    if (
        statement is None
        or not instance._state.adding
        or (returned is not None and getattr(instance, returned.attname) is not None)
        or any(
            hasattr(getattr(instance, field.attname, None), "resolve_expression")
            for field in fields
        )
    ):
        instance.save()
        return
    connection = connections[alias]
    # Raises, as save() does, for a related object that is not stored yet.
    instance._prepare_related_fields_for_save(operation_name="save")
    pre_save.send(sender=model, instance=instance, raw=False, using=alias, update_fields=None)
    with transaction.mark_for_rollback_on_error(alias):
        values = [
            field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, values)
            if returned is not None:
                (value,) = cursor.fetchone()
                setattr(instance, returned.attname, value)
    instance._state.adding = False
    instance._state.db = alias
    post_save.send(
        sender=model, instance=instance, created=True, update_fields=None, raw=False, using=alias
    )
