from django.core.management.base import BaseCommand

from faq.search import refresh_search_words
from faq.services import purge_old_feedback


class Command(BaseCommand):
    help = (
        "Delete FAQ notes older than FAQ_FEEDBACK_RETENTION_DAYS, counts of searches that found "
        "nothing older than FAQ_MISSED_SEARCH_RETENTION_DAYS and past hours' flood counters; "
        "bring the spelling suggestions' words up to date. Run daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be deleted; delete nothing."
        )

    def handle(self, *args, dry_run, **options):
        notes, searches, counters = purge_old_feedback(dry_run=dry_run)
        summary = f"{notes} note(s), {searches} search count(s) and {counters} hourly counter(s)"
        if dry_run:
            self.stdout.write(f"Would delete {summary}.")
            return
        refresh_search_words()
        self.stdout.write(self.style.SUCCESS(f"Deleted {summary}; search words refreshed."))
