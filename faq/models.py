from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, models
from django.urls import reverse
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

    def search(self, terms):
        """Questions matching the search terms, best match first.

        PostgreSQL ranks with full-text search; other databases fall back to a
        case-insensitive match of every word in the question or the answer.
        """
        if connection.vendor == "postgresql":
            vector = SearchVector("question", weight="A", config="english") + SearchVector(
                "answer", weight="B", config="english"
            )
            query = SearchQuery(terms, search_type="websearch", config="english")
            # Match with @@ (every word must match); rank only orders the matches.
            return (
                self.annotate(document=vector, rank=SearchRank(vector, query))
                .filter(document=query)
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
