from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from clinic.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database to BACKUP_DIR with a timestamped name and keep the newest "
        "BACKUP_KEEP. The encryption keys are not in it: keep them apart, with the secrets."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", dest="directory", help=f"Folder to write to (default: {settings.BACKUP_DIR})."
        )
        parser.add_argument(
            "--keep", type=int, help=f"Backups to keep (default: {settings.BACKUP_KEEP})."
        )

    def handle(self, *args, directory=None, keep=None, **options):
        try:
            path = backup(directory=directory, keep=keep)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Backup written: {path}"))
