from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from reversion.admin import VersionAdmin
from reversion.models import Version

from . import services
from .feedback_admin import warn_about_drafts
from .forms import QuestionAdminForm
from .history import answer_diff, question_versions
from .models import Category, Question, ReviewStatus
from .readability import SPANISH_TARGET_EASE, TARGET_GRADE, reading_grade, spanish_reading_ease
from .views import render_preview

REVIEW_WARNINGS = {
    ReviewStatus.DUE: _(
        "This answer's clinical review is due: it was last reviewed more than the set number of "
        "months ago. The public line still shows the true review date until a reviewer checks it."
    ),
    ReviewStatus.CHANGED: _(
        "This answer was changed after its clinical review, so the site no longer shows "
        "“Medically reviewed by”. A clinical reviewer needs to check it again."
    ),
}


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
class CategoryAdmin(VersionAdmin, EnabledLanguagesAdmin):
    list_display = ["name", "position", "question_count"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(question_count=Count("questions"))

    @admin.display(description=_("questions"), ordering="question_count")
    def question_count(self, category):
        return category.question_count


class ReviewStatusFilter(admin.SimpleListFilter):
    title = _("review status")
    parameter_name = "review"
    TO_DECIDE = "to-decide"

    def lookups(self, request, model_admin):
        return [*ReviewStatus.choices, (self.TO_DECIDE, _("has points to decide"))]

    def queryset(self, request, queryset):
        if self.value() == self.TO_DECIDE:
            return queryset.with_points_to_decide()
        if self.value() in ReviewStatus.values:
            return queryset.with_review_status(self.value())
        return queryset


@admin.register(Question)
class QuestionAdmin(VersionAdmin, EnabledLanguagesAdmin):
    form = QuestionAdminForm
    list_display = [
        "question",
        "category",
        "position",
        "is_published",
        "schedule",
        "review_column",
        "reading_level",
        "spanish_reading_level",
        "updated_at",
    ]
    list_display_links = ["question"]
    list_editable = ["position", "is_published"]
    list_filter = [ReviewStatusFilter, "category", "is_published"]
    list_select_related = ["category", "review"]
    search_fields = ["question", "answer"]
    ordering = ["category__position", "position", "pk"]
    prepopulated_fields = {"slug": ["question"]}
    readonly_fields = ["reading_level_hint", "review_summary", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["category", "question", "answer", "reading_level_hint"]}),
        (_("On the site"), {"fields": ["is_published", "publish_at", "unpublish_at"]}),
        (_("Clinical review"), {"fields": ["review_summary"]}),
        (
            _("Placement and address"),
            {"classes": ["collapse"], "fields": ["position", "slug", "created_at", "updated_at"]},
        ),
    ]
    actions = ["publish", "unpublish", "mark_reviewed"]
    history_latest_first = True

    class Media:
        css = {"all": ["faq/admin.css"]}

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        restore = self.admin_site.admin_view(self.restore_view)
        return [
            path("preview/", preview, name="faq_question_preview"),
            path("<path:object_id>/preview/", preview, name="faq_question_preview_change"),
            path(
                "<path:object_id>/history/restore/<int:version_id>/",
                restore,
                name="faq_question_restore",
            ),
            *super().get_urls(),
        ]

    def has_review_permission(self, request):
        return request.user.has_perm(services.REVIEW_PERMISSION)

    # --- columns and read-only fields ---

    @admin.display(description=_("schedule"))
    def schedule(self, question):
        parts = []
        if question.publish_at:
            parts.append(_("from %(time)s") % {"time": _local(question.publish_at)})
        if question.unpublish_at:
            parts.append(_("until %(time)s") % {"time": _local(question.unpublish_at)})
        return ", ".join(parts) or "—"

    @admin.display(description=_("review status"))
    def review_column(self, question):
        if question.has_points_to_decide:
            return format_html('<span class="faq-flag">{}</span>', _("points to decide"))
        status = question.review_status
        if status in REVIEW_WARNINGS:
            return format_html('<span class="faq-flag">{}</span>', status.label)
        return status.label

    @admin.display(description=_("reading grade"))
    def reading_level(self, question):
        grade = reading_grade(question.answer_en)
        if grade is None:
            return "—"
        if grade > TARGET_GRADE:
            return format_html('<span class="faq-flag">{}</span>', grade)
        return grade

    @admin.display(description=_("Spanish reading ease"))
    def spanish_reading_level(self, question):
        ease = spanish_reading_ease(question.answer_es)
        if ease is None:
            return "—"
        if ease < SPANISH_TARGET_EASE:
            return format_html('<span class="faq-flag">{}</span>', ease)
        return ease

    @admin.display(description=_("reading level"))
    def reading_level_hint(self, question):
        grade = reading_grade(question.answer_en) if question.pk else None
        target = _("Aim for grade %(target)d or below (Flesch-Kincaid).") % {"target": TARGET_GRADE}
        if grade is None:
            english = format_html("{} {}", _("Shown after saving."), target)
        else:
            english = format_html("{} {}", _("Grade %(grade)s.") % {"grade": grade}, target)
        if "es" not in dict(settings.LANGUAGES):
            return english
        ease = spanish_reading_ease(question.answer_es) if question.pk else None
        spanish_target = _(
            "Spanish: aim for a reading ease of %(target)d or above (Fernández Huerta, 0 to 100, "
            "higher is easier; 60 to 70 reads like English grade 8)."
        ) % {"target": SPANISH_TARGET_EASE}
        if ease is None:
            return format_html("{}<br>{}", english, spanish_target)
        return format_html(
            "{}<br>{} {}", english, _("Spanish: ease %(ease)s.") % {"ease": ease}, spanish_target
        )

    @admin.display(description=_("reviewed"))
    def review_summary(self, question):
        review = getattr(question, "review", None) if question.pk else None
        if review is None:
            return _("Never reviewed.")
        return _("%(who)s on %(date)s (%(status)s).") % {
            "who": review.reviewed_by,
            "date": _local(review.reviewed_at, "F j, Y"),
            "status": question.review_status.label,
        }

    # --- saving and deleting keep history ---

    def delete_model(self, request, obj):
        services.version_before_delete(questions=[obj], user=request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        services.version_before_delete(questions=list(queryset), user=request.user)
        super().delete_queryset(request, queryset)

    # --- actions ---

    @admin.action(description=_("Publish selected questions"), permissions=["change"])
    def publish(self, request, queryset):
        changed, refused = services.set_published(
            questions=queryset, published=True, user=request.user
        )
        self.message_user(request, _("%(count)d question(s) published.") % {"count": len(changed)})
        if refused:
            self.message_user(
                request,
                _(
                    "Not published, because they still have points marked [TO DECIDE: ...]: "
                    "%(questions)s. Replace each point with the clinic's answer first."
                )
                % {"questions": "; ".join(question.question for question in refused)},
                messages.WARNING,
            )

    @admin.action(description=_("Unpublish selected questions"), permissions=["change"])
    def unpublish(self, request, queryset):
        changed, _refused = services.set_published(
            questions=queryset, published=False, user=request.user
        )
        self.message_user(
            request, _("%(count)d question(s) unpublished.") % {"count": len(changed)}
        )

    @admin.action(
        description=_("Mark selected answers as medically reviewed"), permissions=["review"]
    )
    def mark_reviewed(self, request, queryset):
        try:
            for question in queryset:
                services.mark_reviewed(question=question, reviewer=request.user)
        except PermissionDenied as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        self.message_user(
            request, _("%(count)d answer(s) marked as reviewed.") % {"count": len(queryset)}
        )

    # --- change page, preview, history ---

    def change_view(self, request, object_id, form_url="", extra_context=None):
        question = self.get_object(request, object_id)
        extra_context = {**(extra_context or {})}
        if question is not None and request.method == "POST":
            services.keep_first_version(question=question, user=request.user)
        if question is not None:
            extra_context["review_warning"] = REVIEW_WARNINGS.get(question.review_status)
            extra_context["preview_url"] = reverse(
                "admin:faq_question_preview_change", args=[question.pk]
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def add_view(self, request, form_url="", extra_context=None):
        warn_about_drafts(request)
        extra_context = {
            **(extra_context or {}),
            "preview_url": reverse("admin:faq_question_preview"),
        }
        return super().add_view(request, form_url, extra_context)

    def preview_view(self, request, object_id=None):
        """The answer as the site would show it, from the form's unsaved fields; never saved.

        admin_view() already marks the response never to be cached.
        """
        if request.method != "POST":
            return redirect("admin:faq_question_changelist")
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        existing = get_object_or_404(Question, pk=object_id) if object_id else None
        return render_preview(request, request.POST, existing=existing)

    def history_view(self, request, object_id, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        question = get_object_or_404(Question, pk=object_id)
        versions = question_versions(question)
        by_id = {str(version.pk): version for version in versions}
        older = by_id.get(request.GET.get("from")) or (versions[1] if len(versions) > 1 else None)
        newer = by_id.get(request.GET.get("to")) or (versions[0] if versions else None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": question,
            "title": _("History: %(question)s") % {"question": question.question},
            "versions": versions,
            "older": older,
            "newer": newer,
            "diff": answer_diff(older, newer) if older and newer else None,
            "can_restore": self.has_change_permission(request, question),
        }
        return render(request, "admin/faq/question/history.html", context)

    def restore_view(self, request, object_id, version_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        question = get_object_or_404(Question, pk=object_id)
        if not self.has_change_permission(request, question):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_for_object(question), pk=version_id)
        try:
            services.restore_version(version=version, user=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(
                request, _("The earlier version was restored and saved as a new version.")
            )
        return redirect("admin:faq_question_history", question.pk)


def _local(moment, format_string="Y-m-d H:i"):
    return date_format(localtime(moment), format_string)
