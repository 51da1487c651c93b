"""Operations on questions that record who did them (reviews, publishing, restoring history),
and what readers tell the FAQ (votes, notes, searches that found nothing)."""

import logging
import re
from datetime import timedelta

import reversion
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from reversion.models import Revision, Version

from clinic.client_address import client_address
from clinic.keyed_hash import keyed_hash

from .models import (
    VERSION_EXCLUDED_FIELDS,
    ClientHourCount,
    Feedback,
    MissedSearch,
    Question,
    Review,
    Vote,
    content_languages,
)

REVIEW_PERMISSION = "faq.review_question"

# What a restore brings back from an earlier version: the words and where they are shown.
# Reviews live apart (Review), so a restore never rewrites who reviewed what.
# The words in every language: the untranslated columns and each language's own.
RESTORED_FIELDS = [
    "category",
    "question",
    "slug",
    "answer",
    *(f"{field}_{code}" for field in ("question", "answer") for code in content_languages()),
    "position",
    "is_published",
    "publish_at",
    "unpublish_at",
]


def public_name_of(user):
    profile = getattr(user, "staff_profile", None)
    return (profile.public_name.strip(), profile.credentials.strip()) if profile else ("", "")


def mark_reviewed(*, question, reviewer, now=None):
    """Record that `reviewer` checked the question's current wording, in English and in each
    language it is written in (the reviewer reads every translation shown on the site).

    Only holders of faq.review_question may, and only with a public name on their staff
    profile, since that name is shown under the answer.
    """
    if not reviewer.has_perm(REVIEW_PERMISSION):
        raise PermissionDenied(_("Only clinical reviewers can mark answers as reviewed."))
    name, credentials = public_name_of(reviewer)
    if not name:
        raise ValidationError(
            _(
                "Add your public name (and credentials) to your staff profile first: it is "
                "shown under the answers you review."
            ),
            code="no_public_name",
        )
    return Review.objects.update_or_create(
        question=question,
        defaults={
            "reviewer": reviewer,
            "reviewer_name": name,
            "reviewer_credentials": credentials,
            "reviewed_at": now or timezone.now(),
            "text_hash": question.content_hash,
            "language_text_hashes": {
                code: question.text_hash_in(code)
                for code in content_languages()
                if code != settings.LANGUAGE_CODE and question.has_text_in(code)
            },
        },
    )[0]


def set_published(*, questions, published, user):
    """Publish or unpublish each question, one saved version each, so history sees it.

    Returns the questions now in the asked state (those already in it are left unsaved) and
    the questions refused: one that still holds a point to decide is never published.
    """
    done, refused = [], []
    for question in questions:
        if question.is_published == published:
            done.append(question)
            continue
        if published and question.has_points_to_decide:
            refused.append(question)
            continue
        question.is_published = published
        with transaction.atomic(), reversion.create_revision():
            question.save(update_fields=["is_published", "updated_at"])
            reversion.set_user(user)
            reversion.set_comment(_("Published.") if published else _("Unpublished."))
        done.append(question)
    return done, refused


def restore_version(*, version, user):
    """Bring a question back to an earlier saved version; saved as a new version."""
    fields = version.field_dict
    question = Question.objects.get(pk=version.object_id)
    for name in RESTORED_FIELDS:
        attname = question._meta.get_field(name).attname
        if attname in fields:  # a version saved before a language's columns existed lacks them
            setattr(question, attname, fields[attname])
    if question.is_published and question.has_points_to_decide:
        question.is_published = False
    with transaction.atomic(), reversion.create_revision():
        question.full_clean()
        question.save()
        reversion.set_user(user)
        date = timezone.localtime(version.revision.date_created)
        reversion.set_comment(
            _("Restored the version of %(date)s.") % {"date": date.strftime("%Y-%m-%d %H:%M")}
        )
    return question


def keep_first_version(*, question, user):
    """Save the question's current state as a version if it has none yet.

    Questions from before history was kept (the starter answers) would otherwise lose their
    original wording at their first edit.
    """
    if Version.objects.get_for_object(question).exists():
        return
    with reversion.create_revision():
        reversion.add_to_revision(question)
        reversion.set_user(user)
        reversion.set_comment(_("As it was before changes were recorded."))


def version_before_delete(*, questions, user):
    """Save the state of questions about to be deleted, so they can be recovered.

    Written directly rather than through create_revision(): inside the admin's own revision
    block (bulk delete runs in the list view's) reversion would save it only at the end, and
    then skip the rows as already gone.
    """
    fields = [
        field.name
        for field in Question._meta.concrete_fields
        if not field.primary_key and field.name not in VERSION_EXCLUDED_FIELDS
    ]
    content_type = ContentType.objects.get_for_model(Question)
    now = timezone.now()
    # One revision per question, so recovering one brings back only that one.
    with transaction.atomic():
        for question in questions:
            revision = Revision.objects.create(user=user, comment=_("Deleted."), date_created=now)
            Version.objects.create(
                revision=revision,
                content_type=content_type,
                object_id=str(question.pk),
                db=question._state.db,
                format="json",
                serialized_data=serializers.serialize("json", [question], fields=fields),
                object_repr=str(question),
            )


# What readers tell the FAQ: votes, "what were you hoping to find" notes, searches that found
# nothing. Nothing here stores anything that identifies the reader.
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
