import hashlib

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.core.cache import cache
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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


class QuestionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def set_published(self, is_published):
        """Publish or unpublish these questions in one statement; returns how many changed.

        update() skips save() and its signals, so updated_at is stamped here (the content version
        moves on every server) and this process forgets the version it last read.
        """
        updated = self.update(is_published=is_published, updated_at=timezone.now())
        forget_recent_content_version()
        return updated

    def search(self, terms):
        """Questions matching the search terms, best match first.

        PostgreSQL uses full-text search on the stored, indexed search_vector; other
        databases fall back to a case-insensitive match of every word in the question or
        the answer.
        """
        if connection.vendor == "postgresql":
            query = SearchQuery(terms, search_type="websearch", config="english")
            # Match with @@ (every word must match); rank only orders the matches.
            return (
                self.filter(search_vector=query)
                .annotate(rank=SearchRank(models.F("search_vector"), query))
                .order_by("-rank", "position", "pk")
            )
        matches = self
        for word in terms.split():
            matches = matches.filter(
                models.Q(question__icontains=word) | models.Q(answer__icontains=word)
            )
        return matches.order_by("category__position", "position", "pk")


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
