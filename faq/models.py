import hashlib
import operator
import re
from functools import reduce

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorField,
    TrigramSimilarity,
)
from django.core.cache import cache
from django.db import connection, models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clinic.fields import EncryptedTextField

from .markdown import render_markdown

MARKDOWN_HELP = _(
    "Written in Markdown. A blank line starts a new paragraph. **bold**, *italic*, "
    "[link text](https://example.org), lists with '- ' or '1. ' at the start of a line, "
    "and '### ' for a small heading. Scripts, images and other HTML are removed when shown."
)


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


# Words of five letters or more: what two questions about the same thing usually share.
LONGER_WORD = re.compile(r"[^\W\d_]{5,}")


class QuestionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def search(self, terms, *, also=()):
        """Questions matching the search terms, or any other wording in `also`, best first.

        PostgreSQL uses full-text search on the stored, indexed search_vector; other
        databases fall back to a case-insensitive match of every word in the question or
        the answer.
        """
        wordings = [terms, *also]
        if connection.vendor == "postgresql":
            query = reduce(
                operator.or_,
                (
                    SearchQuery(words, search_type="websearch", config="english")
                    for words in wordings
                ),
            )
            # Match with @@ (every word must match); rank only orders the matches.
            return (
                self.filter(search_vector=query)
                .annotate(rank=SearchRank(models.F("search_vector"), query))
                .order_by("-rank", "position", "pk")
            )
        matches = reduce(operator.or_, (every_word_matches(words) for words in wordings))
        return self.filter(matches).order_by("category__position", "position", "pk")

    def related_to(self, question, *, limit=3):
        """Up to `limit` other questions: same category first, then the most alike.

        Alike: trigram similarity of the question text on PostgreSQL, otherwise the number of
        the question's longer words the other question's text contains. One query.
        """
        if connection.vendor == "postgresql":
            likeness = TrigramSimilarity("question", question.question)
        else:
            words = sorted({word.lower() for word in LONGER_WORD.findall(question.question)})
            likeness = sum(
                (
                    models.Case(
                        models.When(question__icontains=word, then=1),
                        default=0,
                    )
                    for word in words[:10]
                ),
                models.Value(0),
            )
        same_category = models.Case(
            models.When(category_id=question.category_id, then=1), default=0
        )
        return (
            self.exclude(pk=question.pk)
            .annotate(same_category=same_category, likeness=likeness)
            .order_by("-same_category", "-likeness", "position", "pk")
            .only("question", "slug")[:limit]
        )


def every_word_matches(terms):
    condition = models.Q()
    for word in terms.split():
        condition &= models.Q(question__icontains=word) | models.Q(answer__icontains=word)
    return condition


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
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The question (weight A) and answer (weight B) as a PostgreSQL tsvector, kept up to date by
    # a database trigger on every insert and update (migration 0003) and indexed with GIN.
    # Unused on other databases.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [models.Index(fields=["is_published", "category", "position"])]

    def __str__(self):
        return self.question

    def save(self, *args, **kwargs):
        # The HTML is derived from the Markdown: render once per change, not per page view.
        self.answer_html = render_markdown(self.answer)
        if kwargs.get("update_fields") is not None and "answer" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "answer_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("faq:detail", kwargs={"slug": self.slug})


# What content_version() reads: one plain statement, a third of the ORM's time for the same
# aggregates, because it runs on every view of the FAQ page.
CONTENT_VERSION_SQL = """
    SELECT (SELECT COUNT(*) FROM faq_category), (SELECT MAX(updated_at) FROM faq_category),
           (SELECT COUNT(*) FROM faq_question), (SELECT MAX(updated_at) FROM faq_question),
           (SELECT COUNT(*) FROM faq_synonym), (SELECT MAX(updated_at) FROM faq_synonym)
"""


def content_version():
    """A value that changes whenever anything shown on the FAQ list changes.

    The number of categories, questions and synonyms and their latest change: saving a question or a
    category (the admin, list_editable, the publish actions) moves updated_at, deleting one
    changes a count. Cached copies of the FAQ pages are keyed on this value.
    """
    with connection.cursor() as cursor:
        cursor.execute(CONTENT_VERSION_SQL)
        values = ":".join(str(value) for value in cursor.fetchone())
    return hashlib.md5(values.encode(), usedforsecurity=False).hexdigest()


# How long one process may serve pages for the content version it last read before asking the
# database again. A save in this process forgets it at once (FaqConfig.ready); other processes
# and servers show an edit within this many seconds.
RECENT_VERSION_SECONDS = 1
RECENT_VERSION_KEY = "faq:recent-content-version"


def recent_content_version():
    """content_version(), read from the database at most once a second per process."""
    version = cache.get(RECENT_VERSION_KEY)
    if version is None:
        version = content_version()
        cache.set(RECENT_VERSION_KEY, version, timeout=RECENT_VERSION_SECONDS)
    return version


def forget_recent_content_version(**kwargs):
    """Called after any question or category is saved or deleted in this process."""
    cache.delete(RECENT_VERSION_KEY)


class Language(models.TextChoices):
    ENGLISH = "en", _("English")


class Synonym(models.Model):
    """A word patients use, and the words the answers use for the same thing."""

    language = models.CharField(
        _("language"), max_length=8, choices=Language, default=Language.ENGLISH
    )
    term = models.CharField(
        _("when someone searches for"),
        max_length=60,
        help_text=_("A word or a few words, e.g. “price” or “Spravato”. Capitals do not matter."),
    )
    replacement = models.CharField(
        _("also look for"),
        max_length=120,
        help_text=_("The words our answers use, e.g. “cost” or “esketamine”."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["language", "term"]
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")
        constraints = [
            models.UniqueConstraint(
                Lower("term"), "language", name="faq_synonym_unique_term_per_language"
            )
        ]

    def __str__(self):
        return f"{self.term} → {self.replacement}"


class SearchWord(models.Model):
    """A word of a published question or answer, as written: what "Did you mean" can offer."""

    word = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["word"]
        verbose_name = _("search word")
        verbose_name_plural = _("search words")

    def __str__(self):
        return self.word


class Vote(models.Model):
    """How many readers said an answer helped, or did not, on one day. Nothing about who."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="votes", verbose_name=_("question")
    )
    day = models.DateField(_("day"))
    helpful = models.BooleanField(_("helped"))
    count = models.PositiveIntegerField(_("votes"), default=0)

    class Meta:
        ordering = ["-day", "question"]
        verbose_name = _("vote count")
        verbose_name_plural = _("vote counts")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "day", "helpful"], name="faq_vote_one_counter_per_day"
            )
        ]

    def __str__(self):
        return f"{self.day}: {'yes' if self.helpful else 'no'} × {self.count}"


class ClientHourCount(models.Model):
    """Votes and notes from one client in the current hour, to stop floods.

    The key is a keyed hash of the client's address and the hour: it cannot be turned back into
    the address, nor linked to the same client's key for another hour. Rows of past hours are
    deleted (services.forget_past_hours).
    """

    key = models.CharField(max_length=64, unique=True)
    hour = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["hour"]
        verbose_name = _("hourly count")
        verbose_name_plural = _("hourly counts")

    def __str__(self):
        return f"Hourly count #{self.pk}"


class Feedback(models.Model):
    """What a reader hoped to find after saying an answer did not help. Encrypted at rest."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("question")
    )
    text = EncryptedTextField(_("what they hoped to find"))
    day = models.DateField(_("day"), db_index=True)

    class Meta:
        ordering = ["-day", "-pk"]
        verbose_name = _("“what were you hoping to find” note")
        verbose_name_plural = _("“what were you hoping to find” notes")

    def __str__(self):
        return f"Note #{self.pk}"


class MissedSearch(models.Model):
    """A search that found nothing: its scrubbed text and how often it was made on one day."""

    text = models.CharField(_("searched for"), max_length=100)
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("searches"), default=0)

    class Meta:
        ordering = ["-day", "-count"]
        verbose_name = _("search that found nothing")
        verbose_name_plural = _("What patients looked for and didn't find")
        constraints = [
            models.UniqueConstraint(fields=["text", "day"], name="faq_missedsearch_one_per_day")
        ]

    def __str__(self):
        return self.text


class QuestionHelpfulness(Question):
    """The questions as editors see how helpful readers found them."""

    class Meta:
        proxy = True
        verbose_name = _("answer's helpfulness")
        verbose_name_plural = _("answers' helpfulness")
