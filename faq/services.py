"""Operations on questions that record who did them: reviews, publishing, restoring history."""

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from reversion.models import Revision, Version

from .models import VERSION_EXCLUDED_FIELDS, Question, Review

REVIEW_PERMISSION = "faq.review_question"

# What a restore brings back from an earlier version: the words and where they are shown.
# Reviews live apart (Review), so a restore never rewrites who reviewed what.
RESTORED_FIELDS = [
    "category",
    "question",
    "slug",
    "answer",
    "position",
    "is_published",
    "publish_at",
    "unpublish_at",
]


def public_name_of(user):
    profile = getattr(user, "staff_profile", None)
    return (profile.public_name.strip(), profile.credentials.strip()) if profile else ("", "")


def mark_reviewed(*, question, reviewer, now=None):
    """Record that `reviewer` checked the question's current wording.

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
