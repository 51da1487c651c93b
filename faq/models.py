import hashlib
import unicodedata

from django.conf import settings
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.core.cache import cache
from django.db import connection, models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from .markdown import render_markdown


def localized(field, language):
    """The column holding a translated field in one language: localized("answer", "es")."""
    return build_localized_fieldname(field, language)


def content_languages():
    """Every language FAQ content has columns for (enabled on the site or not yet)."""
    return settings.MODELTRANSLATION_LANGUAGES


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


class QuestionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def search(self, terms, language=None):
        """Questions matching the search terms in one language (the page's), best match first.

        PostgreSQL: full-text search. English and Spanish use a stored, indexed vector kept by
        a trigger (migrations 0003 and 0005); Spanish with unaccent, so a word typed without
        its accents still matches. Other languages use the "simple" configuration on the fly.
        Other databases: every word must appear in the question or the answer, compared without
        case or accents (see fold_for_search).
        """
        language = language or get_language()
        question_field = localized("question", language)
        answer_field = localized("answer", language)
        if connection.vendor == "postgresql":
            vector_field, config = SEARCH_VECTORS.get(language, (None, "simple"))
            query = SearchQuery(terms, search_type="websearch", config=config)
            matches = self
            if vector_field is None:
                vector_field = "computed_search_vector"
                matches = matches.annotate(
                    computed_search_vector=SearchVector(question_field, weight="A", config=config)
                    + SearchVector(answer_field, weight="B", config=config)
                )
            # Match with @@ (every word must match); rank only orders the matches.
            return (
                matches.filter(**{vector_field: query})
                .annotate(rank=SearchRank(models.F(vector_field), query))
                .order_by("-rank", "position", "pk")
            )
        matches = self.annotate(
            folded_question=models.Func(
                question_field, function=FOLD_FUNCTION, output_field=models.TextField()
            ),
            folded_answer=models.Func(
                answer_field, function=FOLD_FUNCTION, output_field=models.TextField()
            ),
        )
        for word in fold_for_search(terms).split():
            matches = matches.filter(
                models.Q(folded_question__contains=word) | models.Q(folded_answer__contains=word)
            )
        return matches.order_by("category__position", "position", "pk")


# Languages with a stored search vector on PostgreSQL: its column and text search configuration.
SEARCH_VECTORS = {
    "en": ("search_vector", "english"),
    # PostgreSQL's spanish configuration with unaccent before stemming (migration 0005).
    "es": ("search_vector_es", "clinic_spanish"),
}
# A function every SQLite connection gets (FaqConfig.ready): fold_for_search() in SQL.
FOLD_FUNCTION = "clinic_fold"


def fold_for_search(text):
    """Text as search compares it on SQLite: lower case, accents removed ("Medicación" ->
    "medicacion"), so a search typed without accents finds accented words."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


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
    # The Spanish question and answer, the same way (migration 0005).
    search_vector_es = SearchVectorField(null=True, editable=False)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [models.Index(fields=["is_published", "category", "position"])]

    def __str__(self):
        return self.question

    def save(self, *args, **kwargs):
        # The HTML is derived from the Markdown, in every language: rendered once per change,
        # not per page view. An empty translation stays empty (the page falls back to English).
        answer_fields = {localized("answer", code) for code in content_languages()}
        for code in content_languages():
            markdown = getattr(self, localized("answer", code)) or ""
            html = render_markdown(markdown) if markdown else ""
            setattr(self, localized("answer_html", code), html)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & (answer_fields | {"answer"}):
            kwargs["update_fields"] = {
                *update_fields,
                *(localized("answer_html", code) for code in content_languages()),
            }
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("faq:detail", kwargs={"slug": self.slug})

    def has_text_in(self, language):
        """True when the question and its answer are written in the given language."""
        return bool(
            getattr(self, localized("question", language), "")
            and getattr(self, localized("answer", language), "")
        )


# What content_version() reads: one plain statement, a third of the ORM's time for the same
# aggregates, because it runs on every view of the FAQ page.
CONTENT_VERSION_SQL = """
    SELECT (SELECT COUNT(*) FROM faq_category), (SELECT MAX(updated_at) FROM faq_category),
           (SELECT COUNT(*) FROM faq_question), (SELECT MAX(updated_at) FROM faq_question)
"""


def content_version():
    """A value that changes whenever anything shown on the FAQ list changes.

    The number of categories and questions and their latest change: saving a question or a
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
