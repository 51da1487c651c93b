"""What readers tell the FAQ: votes, "what were you hoping to find" notes, searches that found
nothing. Nothing here stores anything that identifies the reader."""

import logging
import re
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from clinic.client_address import client_address
from clinic.keyed_hash import keyed_hash

from .models import ClientHourCount, Feedback, MissedSearch, Vote

logger = logging.getLogger(__name__)

EMAIL = re.compile(r"\S+@\S+")
# A phone number as people type one: digits with spaces, dots, dashes, brackets or a leading +.
PHONE = re.compile(r"\+?\(?\d[\d\s().-]{5,}\d")
DIGITS = re.compile(r"\d+")
SPACES = re.compile(r"\s+")
MISSED_SEARCH_LENGTH = 100
# Different failed searches counted per day at most: a robot sending endless made-up searches
# cannot grow the table without bound. Searches already counted that day still count.
MISSED_SEARCH_TEXTS_PER_DAY = 1000


def scrub_search(terms):
    """A search as it may be kept: lowercased, without emails, phone numbers or digits, spaces
    collapsed, at most 100 characters."""
    text = terms.lower()
    for pattern in (EMAIL, PHONE, DIGITS):
        text = pattern.sub(" ", text)
    return SPACES.sub(" ", text).strip()[:MISSED_SEARCH_LENGTH].strip()


def _increment(model, **identity):
    """Add one to a counter row, creating it if needed; safe when two requests race."""
    for _attempt in range(2):
        if model.objects.filter(**identity).update(count=F("count") + 1):
            return
        try:
            with transaction.atomic():
                model.objects.create(count=1, **identity)
            return
        except IntegrityError:
            continue  # created meanwhile by another request: update it on the next pass


def forget_past_hours(*, now=None):
    """Delete the flood counters of every hour that is over."""
    hour = (now or timezone.now()).replace(minute=0, second=0, microsecond=0)
    return ClientHourCount.objects.filter(hour__lt=hour).delete()[0]


def within_hourly_limit(*, request, now=None):
    """Count one more vote or note from this client this hour; False when over the limit.

    The counter's key is a keyed hash of the address and the hour, never the address.
    """
    now = now or timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0)
    key = keyed_hash(f"{client_address(request)}|{hour.isoformat()}", purpose="faq.hourly")
    forget_past_hours(now=now)
    _increment(ClientHourCount, key=key, hour=hour)
    count = ClientHourCount.objects.filter(key=key).values_list("count", flat=True).first()
    if count > settings.FAQ_FEEDBACK_PER_CLIENT_PER_HOUR:
        logger.warning("FAQ vote or note refused: a client is over the hourly limit.")
        return False
    return True


def record_vote(*, question, helpful, request, now=None):
    """Count a yes or a no for the question today, unless this client is over its limit."""
    if not within_hourly_limit(request=request, now=now):
        return False
    day = timezone.localdate(now)
    _increment(Vote, question=question, day=day, helpful=helpful)
    return True


def record_feedback(*, question, text, request, now=None):
    """Keep a reader's note (encrypted), unless the client or the day is over its limit."""
    if not within_hourly_limit(request=request, now=now):
        return False
    day = timezone.localdate(now)
    if Feedback.objects.filter(day=day).count() >= settings.FAQ_FEEDBACK_TEXTS_PER_DAY:
        logger.warning("FAQ note not kept: today's limit of notes is reached.")
        return False
    Feedback.objects.create(question=question, text=text, day=day)
    return True


def record_missed_search(*, terms, now=None):
    """Count a search that found nothing, by its scrubbed text only."""
    text = scrub_search(terms)
    if not text:
        return ""
    day = timezone.localdate(now)
    if MissedSearch.objects.filter(text=text, day=day).update(count=F("count") + 1):
        return text
    if MissedSearch.objects.filter(day=day).count() >= MISSED_SEARCH_TEXTS_PER_DAY:
        return ""
    _increment(MissedSearch, text=text, day=day)
    return text


def purge_old_feedback(*, now=None, dry_run=False):
    """Delete notes and failed searches past their retention, and past hours' counters.

    Returns the numbers (notes, searches, counters) deleted, or that would be.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    notes = Feedback.objects.filter(
        day__lt=today - timedelta(days=settings.FAQ_FEEDBACK_RETENTION_DAYS)
    )
    searches = MissedSearch.objects.filter(
        day__lt=today - timedelta(days=settings.FAQ_MISSED_SEARCH_RETENTION_DAYS)
    )
    hour = now.replace(minute=0, second=0, microsecond=0)
    counters = ClientHourCount.objects.filter(hour__lt=hour)
    if dry_run:
        return notes.count(), searches.count(), counters.count()
    with transaction.atomic():
        return notes.delete()[0], searches.delete()[0], counters.delete()[0]
