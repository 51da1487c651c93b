from django.core.management.base import BaseCommand, CommandError

from clinic.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty database, apply migrations, "
        "then remove personal data that is past its retention period."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup file (clinic-YYYYMMDDTHHMMSSZ.dump).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace everything in a database that is not empty.",
        )

    def handle(self, *args, file, force=False, **options):
        try:
            restore(path=file, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(f"Restored {file}; purges run for data past its retention period.")
        )
