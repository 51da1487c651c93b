from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.db.models.functions import Cast

from clinic.fields import EncryptedTextField, decrypt, is_encrypted_with_current_key


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field with the newest key (the first of "
        "FIELD_ENCRYPTION_KEYS). Run after putting a new key first; then the old keys can go."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would change; change nothing."
        )

    def handle(self, *args, dry_run, **options):
        for model in apps.get_models():
            for field in model._meta.get_fields():
                if isinstance(field, EncryptedTextField):
                    self.rotate(model, field.name, dry_run)

    def rotate(self, model, name, dry_run):
        # Cast to a plain text field to read the stored token itself, not the decrypted text.
        stored = (
            model._default_manager.exclude(**{name: ""})
            .exclude(**{f"{name}__isnull": True})
            .annotate(token=Cast(name, models.TextField()))
            .values_list("pk", "token")
        )
        stale = [pk for pk, token in stored.iterator() if not is_encrypted_with_current_key(token)]
        label = f"{model._meta.label}.{name}"
        if dry_run:
            self.stdout.write(f"{label}: {len(stale)} value(s) would be re-encrypted.")
            return
        for pk in stale:
            with transaction.atomic():
                row = (
                    model._default_manager.select_for_update()
                    .annotate(token=Cast(name, models.TextField()))
                    .values_list("token", flat=True)
                    .get(pk=pk)
                )
                # Saving the plain text encrypts it again, with the newest key.
                model._default_manager.filter(pk=pk).update(**{name: decrypt(row)})
        self.stdout.write(self.style.SUCCESS(f"{label}: re-encrypted {len(stale)} value(s)."))
