"""Storing one new row with an INSERT statement built once per model and database.

For the rows stored on every patient's submission (the request and the task that tells staff):
building the INSERT through the ORM cost more than running it, about a fifth of the submission's
CPU between the two (docs/benchmarks.md). Everything else is what ``Model.save()`` does for a new
row: each field gives its own value (``pre_save`` and ``get_db_prep_save``: defaults,
``auto_now_add``, encryption, JSON), the save signals are sent, and the key the database chose is
set on the instance. A model or database this cannot serve as ``save()`` would (parent tables,
database defaults, generated columns, custom placeholders, a key the database makes that is not
an auto field, no RETURNING) is saved by ``save()``.
"""

from functools import cache

from django.db import connections, router, transaction
from django.db.models.signals import post_save, pre_save


@cache
def insert_statement(model, alias):
    """(SQL, fields whose values it takes, the field the database returns or None), or None
    when the row must be stored by ``save()``."""
    connection = connections[alias]
    meta = model._meta
    fields = meta.local_concrete_fields
    if (
        meta.parents
        or meta.proxy
        or any(
            field.generated or field.has_db_default() or hasattr(field, "get_placeholder")
            for field in fields
        )
    ):
        return None
    returned = meta.pk if meta.pk.db_returning else None
    if returned is not None and (
        returned is not meta.auto_field or not connection.features.can_return_columns_from_insert
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
    if statement is None or not instance._state.adding:
        instance.save()
        return
    sql, fields, returned = statement
    connection = connections[alias]
    pre_save.send(sender=model, instance=instance, raw=False, using=alias, update_fields=None)
    values = [
        field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields
    ]
    with transaction.mark_for_rollback_on_error(alias), connection.cursor() as cursor:
        cursor.execute(sql, values)
        if returned is not None:
            (value,) = cursor.fetchone()
            setattr(instance, returned.attname, value)
    instance._state.adding = False
    instance._state.db = alias
    post_save.send(
        sender=model, instance=instance, created=True, update_fields=None, raw=False, using=alias
    )
