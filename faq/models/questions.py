"""Questions and categories, their clinical reviews, and the content version the page cache
follows."""

import hashlib
import time

import reversion
from django.conf import settings
from django.contrib.postgres.search import (
    SearchVectorField,
)
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _

from ..markdown import render_markdown
from .querysets import (
    TO_DECIDE_MARKER,
    TO_DECIDE_MESSAGE,
    QuestionQuerySet,
    ReviewStatus,
    content_languages,
    localized,
    review_cutoff,
)

MARKDOWN_HELP = _(
    "Written in Markdown. A blank line starts a new paragraph. **bold**, *italic*, "
    "[link text](https://example.org), lists with '- ' or '1. ' at the start of a line, "
    "and '### ' for a small heading. Scripts, images and other HTML are removed when shown."
)


@reversion.register()
class Category(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(
        _("slug"), max_length=100, unique=True, help_text=_("Used in links; filled from the name.")
    )
    position = models.PositiveIntegerField(
        _("position"), default=0, db_index=True, help_text=_("Lower numbers are shown first.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{reverse('faq:list')}#{self.slug}"


def text_hash(question, answer):
    """A fingerprint of the wording a reviewer read: the question and the answer."""
    return hashlib.sha256(f"{question}\n\n{answer}".encode()).hexdigest()


# The search vectors are derived by the database; history keeps what staff wrote.
VERSION_EXCLUDED_FIELDS = ["search_vector", "search_vector_es"]


@reversion.register(exclude=VERSION_EXCLUDED_FIELDS)
class Question(models.Model):
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="questions", verbose_name=_("category")
    )
    question = models.CharField(_("question"), max_length=255)
    slug = models.SlugField(
        _("slug"),
        max_length=255,
        unique=True,
        help_text=_("The question's address: /faq/<slug>/. Filled from the question."),
    )
    answer = models.TextField(_("answer"), help_text=MARKDOWN_HELP)
    answer_html = models.TextField(_("answer as HTML"), editable=False, default="")
    position = models.PositiveIntegerField(
        _("position"),
        default=0,
        help_text=_("Order within the category; lower numbers are shown first."),
    )
    is_published = models.BooleanField(
        _("published"), default=True, help_text=_("Only published questions appear on the site.")
    )
    publish_at = models.DateTimeField(
        _("show from"),
        null=True,
        blank=True,
        help_text=_("Optional. A published question appears on the site at this time."),
    )
    unpublish_at = models.DateTimeField(
        _("hide from"),
        null=True,
        blank=True,
        help_text=_("Optional. The question leaves the site at this time, e.g. a holiday notice."),
    )
    content_hash = models.CharField(
        _("text fingerprint"), max_length=64, editable=False, default=""
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The question (weight A) and answer (weight B) as a PostgreSQL tsvector, kept up to date by
    # a database trigger on every insert and update (migration 0003) and indexed with GIN.
    # Unused on other databases.
    search_vector = SearchVectorField(null=True, editable=False)
    # The Spanish question and answer, the same way (migration 0009).
    search_vector_es = SearchVectorField(null=True, editable=False)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [models.Index(fields=["is_published", "category", "position"])]
        permissions = [("review_question", _("Can mark answers as medically reviewed"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(publish_at__isnull=True)
                | models.Q(unpublish_at__isnull=True)
                | models.Q(unpublish_at__gt=models.F("publish_at")),
                name="faq_question_hides_after_it_shows",
                violation_error_message=_(
                    "The “hide from” time must be later than the “show from” time."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(is_published=False)
                | ~(
                    models.Q(question__contains=TO_DECIDE_MARKER)
                    | models.Q(answer__contains=TO_DECIDE_MARKER)
                ),
                name="faq_question_published_without_points_to_decide",
                violation_error_message=TO_DECIDE_MESSAGE,
            ),
        ]

    def __str__(self):
        return self.question

    def save(self, *args, **kwargs):
        # Derived from what staff wrote: computed once per change, not per page view. The HTML
        # in every language (an empty translation stays empty: the page falls back to English);
        # the fingerprint of the English wording, which the review status follows.
        derived = {"content_hash"}
        for code in content_languages():
            markdown = getattr(self, localized("answer", code)) or ""
            html = render_markdown(markdown) if markdown else ""
            setattr(self, localized("answer_html", code), html)
            derived.add(localized("answer_html", code))
        self.content_hash = self.text_hash_in(settings.LANGUAGE_CODE)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *derived}
        # The untranslated columns (question, answer) always hold the English text, whatever
        # language the request saving it is in: the constraints and history read them.
        with override(settings.LANGUAGE_CODE):
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("faq:detail", kwargs={"slug": self.slug})

    def clean(self):
        # The database constraint holds the untranslated (English) columns, which the admin's
        # per-language form does not edit directly; this covers every language's fields.
        if self.is_published and self.has_points_to_decide:
            raise ValidationError({"is_published": TO_DECIDE_MESSAGE})

    def has_text_in(self, language):
        """True when the question and its answer are written in the given language."""
        return bool(
            getattr(self, localized("question", language), "")
            and getattr(self, localized("answer", language), "")
        )

    def text_hash_in(self, language):
        """The fingerprint of the question and answer as written in one language."""
        return text_hash(
            getattr(self, localized("question", language)) or "",
            getattr(self, localized("answer", language)) or "",
        )

    def review_in(self, language):
        """The review that still covers this question's wording in `language`, or None.

        English, or a language the question is not written in (its page shows the English
        text): the English wording. Another language: that language's wording, which the
        reviewer must have read as it is now.
        """
        review = getattr(self, "review", None)
        if review is None:
            return None
        if language == settings.LANGUAGE_CODE or not self.has_text_in(language):
            covered = review.text_hash == self.content_hash
        else:
            covered = review.language_text_hashes.get(language) == self.text_hash_in(language)
        return review if covered else None

    @property
    def current_review(self):
        """The review that covers the wording shown in the page's language, or None."""
        return self.review_in(get_language())

    @property
    def review_status(self):
        review = getattr(self, "review", None)
        if review is None:
            return ReviewStatus.NEVER
        if review.text_hash != self.content_hash:
            return ReviewStatus.CHANGED
        if review.reviewed_at <= review_cutoff():
            return ReviewStatus.DUE
        return ReviewStatus.REVIEWED

    @property
    def has_points_to_decide(self):
        return any(
            TO_DECIDE_MARKER in (getattr(self, localized(field, code)) or "")
            for field in ("question", "answer")
            for code in content_languages()
        )


class Review(models.Model):
    """The latest clinical review of a question: who, when, and the wording they read.

    Kept apart from the question so that restoring an earlier wording from history never
    rewrites who reviewed what; the review covers the question again whenever its wording
    matches text_hash.
    """

    question = models.OneToOneField(
        Question,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="review",
        verbose_name=_("question"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="faq_reviews",
        verbose_name=_("reviewer"),
    )
    # As shown publicly on the day of the review, so a later change of name or credentials
    # does not rewrite what was said then.
    reviewer_name = models.CharField(_("reviewer's public name"), max_length=150)
    reviewer_credentials = models.CharField(_("reviewer's credentials"), max_length=100)
    reviewed_at = models.DateTimeField(_("reviewed on"), db_index=True)
    text_hash = models.CharField(_("fingerprint of the reviewed text"), max_length=64)
    # The same for each translation the reviewer read: {"es": "..."}. A translation's public
    # line shows only while its wording matches.
    language_text_hashes = models.JSONField(
        _("fingerprints of the reviewed translations"), default=dict, blank=True
    )

    class Meta:
        ordering = ["-reviewed_at"]
        verbose_name = _("clinical review")
        verbose_name_plural = _("clinical reviews")

    def __str__(self):
        return f"Review of question #{self.question_id}"

    @property
    def reviewed_by(self):
        """ "Dana Berg, MD": the public name with the credentials."""
        return ", ".join(part for part in (self.reviewer_name, self.reviewer_credentials) if part)


# What content_version() reads: one plain statement, a third of the ORM's time for the same
# aggregates, because it runs on every view of the FAQ page.
CONTENT_VERSION_SQL = """
    SELECT (SELECT COUNT(*) FROM faq_category), (SELECT MAX(updated_at) FROM faq_category),
           (SELECT COUNT(*) FROM faq_question), (SELECT MAX(updated_at) FROM faq_question),
           (SELECT COUNT(*) FROM faq_question WHERE publish_at <= %s),
           (SELECT COUNT(*) FROM faq_question WHERE unpublish_at <= %s),
           (SELECT COUNT(*) FROM faq_review), (SELECT MAX(reviewed_at) FROM faq_review),
           (SELECT COUNT(*) FROM faq_synonym), (SELECT MAX(updated_at) FROM faq_synonym)
"""


def content_version(now=None):
    """A value that changes whenever anything shown on the FAQ list changes.

    The number of categories, questions and synonyms and their latest change: saving a question,
    a category or a synonym (the admin, list_editable, the publish actions) moves updated_at,
    deleting one changes a count. The schedule boundaries already passed are counted too, so
    a question appearing or leaving at its set time gives a new version with no save at all; so
    are the reviews, whose line shows under the answers. Cached copies of the FAQ pages are keyed on
    this value.
    """
    moment = connection.ops.adapt_datetimefield_value(now or timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(CONTENT_VERSION_SQL, [moment, moment])
        values = ":".join(str(value) for value in cursor.fetchone())
    return hashlib.md5(values.encode(), usedforsecurity=False).hexdigest()


# How long one process may serve pages for the content version it last read before asking the
# database again. A save in this process forgets it at once (FaqConfig.ready); other processes
# and servers show an edit within this many seconds.
RECENT_VERSION_SECONDS = 1


class RecentContentVersion:
    """content_version() as this process last read it, kept in memory for RECENT_VERSION_SECONDS.

    In memory rather than in the cache: every view of a shared FAQ page asks for it.
    """

    def __init__(self):
        self.forget()

    def read(self):
        version = self.peek()
        if version is None:
            read_at = time.monotonic()
            version = content_version()
            self.last_read = (version, read_at)
        return version

    def peek(self):
        """The version if it is still recent, else None; never asks the database."""
        version, read_at = self.last_read
        return version if time.monotonic() - read_at < RECENT_VERSION_SECONDS else None

    def forget(self):
        self.last_read = (None, 0.0)


recent_version = RecentContentVersion()


def recent_content_version():
    """content_version(), read from the database at most once a second per process."""
    return recent_version.read()


def forget_recent_content_version(**kwargs):
    """Called after any question or category is saved or deleted in this process."""
    recent_version.forget()
