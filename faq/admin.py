from django.conf import settings
from django.contrib import admin
from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from .models import Category, Question, forget_recent_content_version


class EnabledLanguagesAdmin(TranslationAdmin):
    """Translated fields for the languages enabled on the site only (SITE_LANGUAGES): the
    columns of languages still in preparation stay out of the staff's way."""

    def get_fieldsets(self, request, obj=None):
        hidden = {
            f"{field}_{code}"
            for field in self.trans_opts.all_fields
            for code in settings.MODELTRANSLATION_LANGUAGES
            if code not in dict(settings.LANGUAGES)
        }
        return [
            (title, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for title, options in super().get_fieldsets(request, obj)
        ]


@admin.register(Category)
class CategoryAdmin(EnabledLanguagesAdmin):
    list_display = ["name", "position", "question_count"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(question_count=Count("questions"))

    @admin.display(description=_("questions"), ordering="question_count")
    def question_count(self, category):
        return category.question_count


@admin.register(Question)
class QuestionAdmin(EnabledLanguagesAdmin):
    list_display = ["question", "category", "position", "is_published", "updated_at"]
    list_display_links = ["question"]
    list_editable = ["position", "is_published"]
    list_filter = ["category", "is_published"]
    list_select_related = ["category"]
    search_fields = ["question", "answer"]
    ordering = ["category__position", "position", "pk"]
    prepopulated_fields = {"slug": ["question"]}
    readonly_fields = ["answer_preview", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["category", "question", "answer", "is_published"]}),
        (_("Preview"), {"fields": ["answer_preview"]}),
        (
            _("Placement and address"),
            {"classes": ["collapse"], "fields": ["position", "slug", "created_at", "updated_at"]},
        ),
    ]
    actions = ["publish", "unpublish"]

    @admin.display(description=_("answer as shown on the site (after saving)"))
    def answer_preview(self, question):
        if not question.pk:
            return "—"
        # answer_html was sanitised by render_markdown() when the question was saved.
        html = mark_safe(question.answer_html)  # noqa: S308
        return format_html('<div class="faq-answer-preview">{}</div>', html)

    @admin.action(description=_("Publish selected questions"), permissions=["change"])
    def publish(self, request, queryset):
        # update() skips save(): stamp updated_at so cached FAQ pages see the change.
        updated = queryset.update(is_published=True, updated_at=timezone.now())
        forget_recent_content_version()
        self.message_user(request, _("%(count)d question(s) published.") % {"count": updated})

    @admin.action(description=_("Unpublish selected questions"), permissions=["change"])
    def unpublish(self, request, queryset):
        updated = queryset.update(is_published=False, updated_at=timezone.now())
        forget_recent_content_version()
        self.message_user(request, _("%(count)d question(s) unpublished.") % {"count": updated})
