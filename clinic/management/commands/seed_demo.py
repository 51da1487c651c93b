"""Fill a database with made-up but realistic content: FAQ questions and consultation requests.

Each app's demo content lives beside the app (faq/demo.py, consultations/demo.py); this command
runs them together, in one transaction.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from consultations import demo as consultations_demo
from faq import demo as faq_demo


class Command(BaseCommand):
    help = (
        "Fill the database with made-up FAQ questions and consultation requests for demos and "
        "benchmarks. Tops up to the numbers asked for; --reset removes earlier demo data first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--questions", type=int, default=0, help="how many demo questions there should be"
        )
        parser.add_argument(
            "--requests",
            type=int,
            default=0,
            help="how many demo consultation requests there should be",
        )
        parser.add_argument(
            "--reset", action="store_true", help="remove all earlier demo data first"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="say what would change, change nothing"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="seed even though DEBUG is off (only for throwaway databases, e.g. benchmarks)",
        )

    def handle(self, *args, questions, requests, reset, dry_run, force, **options):
        if questions < 0 or requests < 0:
            raise CommandError("--questions and --requests cannot be negative.")
        limit = faq_demo.question_limit()
        if questions > limit:
            raise CommandError(f"There are {limit} different demo questions; ask for at most that.")
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this may be a production database. seed_demo adds made-up "
                "patients; pass --force if this database is a throwaway one."
            )
        started = time.monotonic()
        with transaction.atomic():
            if reset:
                self.reset()
            self.say(faq_demo.seed_questions(questions))
            self.say(consultations_demo.seed_requests(requests))
            if dry_run:
                transaction.set_rollback(True)
        seconds = time.monotonic() - started
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was saved."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Demo data ready in {seconds:.1f} s."))

    def reset(self):
        removed_requests, attempts = consultations_demo.remove_demo_requests()
        removed_questions = faq_demo.remove_demo_questions()
        self.stdout.write(
            f"Removed {removed_questions} demo questions, {removed_requests} demo requests and "
            f"their {attempts} call attempts."
        )

    def say(self, line):
        if line:
            self.stdout.write(line)
