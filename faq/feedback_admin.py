"""The admin's read-only screens of what readers tell the FAQ: helpfulness per answer, notes,
searches that found nothing; each can start a draft question, saved only by the editor."""

from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import ExpressionWrapper, F, FloatField, Max, Q, Sum
from django.db.models.functions import NullIf
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .models import Feedback, MissedSearch, QuestionHelpfulness, Synonym, localized

HELPFULNESS_DAYS = 90
MISSED_SEARCH_DAYS = 30
DRAFT_WARNING = _(
    "This draft starts from words a visitor typed. Remove anything personal (names, contact "
    "details, health details) before saving. Nothing is saved until you press Save."
)


def draft_question_url(text):
    """The add-question form filled in with the text; nothing is saved until the editor saves."""
    # Into the English question field: the one every question has (the admin has one per language).
    question_field = localized("question", settings.LANGUAGE_CODE)
    query = urlencode({question_field: text[:255], "slug": slugify(text)[:255], "draft": "1"})
    return f"{reverse('admin:faq_question_add')}?{query}"


def draft_link(text):
    return format_html('<a href="{}">{}</a>', draft_question_url(text), _("Draft a question"))


class ReadOnlyAdmin(admin.ModelAdmin):
    """Counts and notes recorded by the site: staff look, nobody edits."""

    class Media:
        css = {"all": ["faq/admin.css"]}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ["term", "replacement", "language", "updated_at"]
    list_display_links = ["term"]
    list_filter = ["language"]
    search_fields = ["term", "replacement"]
    fields = ["language", "term", "replacement"]


@admin.register(QuestionHelpfulness)
class QuestionHelpfulnessAdmin(ReadOnlyAdmin):
    list_display = ["question_link", "helpful_share", "vote_total", "category"]
    list_display_links = None
    list_filter = ["category"]
    list_select_related = ["category"]
    search_fields = ["question"]

    def get_queryset(self, request):
        # Annotated before ordering: the default order sorts on these annotations.
        since = timezone.localdate() - timedelta(days=HELPFULNESS_DAYS)
        recent = Q(votes__day__gte=since)
        queryset = self.model._default_manager.annotate(
            yes_votes=Sum("votes__count", filter=recent & Q(votes__helpful=True), default=0),
            vote_total=Sum("votes__count", filter=recent, default=0),
        ).annotate(
            helpful_share=ExpressionWrapper(
                F("yes_votes") * 100.0 / NullIf(F("vote_total"), 0), output_field=FloatField()
            )
        )
        return queryset.order_by(*self.get_ordering(request))

    def get_ordering(self, request):
        # The least helpful answers first; answers nobody voted on last.
        return [F("helpful_share").asc(nulls_last=True), "-vote_total", "pk"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("question"), ordering="question")
    def question_link(self, question):
        url = reverse("admin:faq_question_change", args=[question.pk])
        return format_html('<a href="{}">{}</a>', url, question.question)

    @admin.display(description=_("said it helped (last 90 days)"), ordering="helpful_share")
    def helpful_share(self, question):
        if question.helpful_share is None:
            return _("no votes yet")
        return f"{question.helpful_share:.0f}%"

    @admin.display(description=_("votes (last 90 days)"), ordering="vote_total")
    def vote_total(self, question):
        return question.vote_total


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ["text", "question", "day", "draft"]
    list_display_links = None
    list_select_related = ["question"]
    list_filter = ["day"]

    @admin.display(description=_("draft a question from this"))
    def draft(self, feedback):
        return draft_link(feedback.text)


@admin.register(MissedSearch)
class MissedSearchAdmin(ReadOnlyAdmin):
    """Searches that found nothing in the last 30 days, added up by text, most frequent first."""

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        since = timezone.localdate() - timedelta(days=MISSED_SEARCH_DAYS)
        rows = (
            MissedSearch.objects.filter(day__gte=since)
            .values("text")
            .annotate(total=Sum("count"), last_day=Max("day"))
            .order_by("-total", "-last_day", "text")[:200]
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("What patients looked for and didn't find"),
            "subtitle": _("Last %(days)d days, most frequent first") % {"days": MISSED_SEARCH_DAYS},
            "opts": self.opts,
            "rows": [{**row, "draft_url": draft_question_url(row["text"])} for row in rows],
            "days": MISSED_SEARCH_DAYS,
        }
        return TemplateResponse(request, "admin/faq/missedsearch/report.html", context)


def warn_about_drafts(request):
    """On the add-question form opened from a visitor's words, say to remove anything personal."""
    if request.GET.get("draft"):
        messages.warning(request, DRAFT_WARNING)
