from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from clinic.form_fields import LightlyCopiedFields
from clinic.form_renderer import RendererTemplate

from . import audit, export, services
from .admin_calls import BookedCallAdminMixin, BookedCallFilter
from .admin_columns import RequestColumnsMixin
from .admin_filters import AssigneeFilter, OverdueFilter, StatusFilter, request_workers
from .admin_followup import FollowUpAdminMixin, ReadyToCloseFilter
from .clinic_time import clinic_time
from .display import staff_name
from .forms import CallAttemptForm, CloseRequestsForm, FollowUpForm
from .models import AuditEntry, CallAttempt, ConsultationRequest
from .models.querysets import add_list_figures

Status = ConsultationRequest.Status
# The admin's fieldset, the same markup in Jinja2 (templates/admin/consultations/
# consultationrequest/change_form.html).
FIELDSET_TEMPLATE = RendererTemplate("admin/includes/fieldset.html")


class CallAttemptFormSet(BaseInlineFormSet):
    # Django builds the empty form (the template for "Add another") anew each time it is asked
    # for: by the table's headings, its rows and the page's media.
    @cached_property
    def empty_form(self):
        return super().empty_form


class CallAttemptInline(admin.TabularInline):
    model = CallAttempt
    form = CallAttemptForm
    formset = CallAttemptFormSet
    # The admin's tabular inline, the same markup in Jinja2: a request's page shows every call.
    template = RendererTemplate("admin/edit_inline/tabular.html")
    fields = ["called_at", "outcome", "notes", "called_by_display"]
    readonly_fields = ["called_by_display"]
    extra = 1
    ordering = ["called_at", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("called_by")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # A form for every logged call: their fields are copied lightly (clinic.form_fields).
        formset.form.base_fields = LightlyCopiedFields(formset.form.base_fields)
        return formset

    # A request whose personal data has been removed is a closed record: no new notes on it.
    def has_add_permission(self, request, obj=None):
        return not (obj and obj.personal_data_purged_at) and super().has_add_permission(
            request, obj
        )

    def has_change_permission(self, request, obj=None):
        return not (obj and obj.personal_data_purged_at) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return not (obj and obj.personal_data_purged_at) and super().has_delete_permission(
            request, obj
        )

    @admin.display(description=_("called by"))
    def called_by_display(self, attempt):
        return staff_name(attempt.called_by) or "—"


class ConsultationRequestChangeList(ChangeList):
    """The list never loads the patient's note: it is not shown there and is decrypted on load.

    The page's rows are loaded (filtered, sorted and cut to the page, computing only what the
    filters and the sort need) with the fields their columns read, and the computed columns
    worked out for those rows alone (``add_list_figures``). As annotations of the list's query,
    PostgreSQL planned the columns' subqueries for every open request, which at 100,000 requests
    meant scanning all call attempts twice on each page view; and building them into every query
    the list makes (the count, the page, the filters' choices) cost more CPU than the rest of
    the list's queries.
    """

    # What the list's columns read of a row; the rest (the patient's name, phone, email and note
    # among it) is not loaded for the list. A column reading another field would load it one row
    # at a time, which the list's query count test shows.
    COLUMN_FIELDS = [
        "created_at",
        "status",
        "assigned_to__first_name",
        "assigned_to__last_name",
        "assigned_to__username",
        "call_at",
        "call_cancelled_at",
        "best_times",
        "voicemail_ok",
        "call_language",
        "call_language_other",
        "interpreter",
        "phone_key",
    ]

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).defer("note")

    def get_results(self, request):
        super().get_results(request)
        self.result_list = list(self.result_list.only(*self.COLUMN_FIELDS))
        add_list_figures(self.result_list)


@admin.register(ConsultationRequest)
class ConsultationRequestAdmin(
    RequestColumnsMixin, BookedCallAdminMixin, FollowUpAdminMixin, admin.ModelAdmin
):
    form = FollowUpForm
    inlines = [CallAttemptInline]
    list_display = [
        "number",
        "received",
        "waiting",
        "status",
        "assigned_to_display",
        "booked_call",
        "best_times_display",
        "voicemail",
        "language_display",
        "call_count",
        "last_outcome_display",
    ]
    list_display_links = ["number"]
    list_filter = [
        StatusFilter,
        AssigneeFilter,
        OverdueFilter,
        ReadyToCloseFilter,
        "call_language",
        "interpreter",
        BookedCallFilter,
    ]
    list_select_related = ["assigned_to"]
    list_per_page = 50
    # The filtered count is shown; counting every request as well on each page view costs a scan
    # of the whole table, which grows with the years.
    show_full_result_count = False
    search_fields = ["name", "email"]
    search_help_text = _("Name, email, phone number in any format, or request number (#42).")
    actions = [
        "assign_to_me",
        "close_requests",
        "close_not_reached",
        "close_duplicates",
        "stop_contacting",
        "export_csv",
    ]
    readonly_fields = [
        "received",
        "call_due",
        "booked_call_detail",
        "name",
        "phone_link",
        "email",
        "voicemail",
        "best_times_display",
        "language_display",
        "note",
        "heard_about",
        "closed_at",
        "updated_at",
        "notified_at",
        "personal_data_purged_at",
    ]
    fieldsets = [
        (_("Request"), {"fields": ["received", "call_due", "booked_call_detail"]}),
        (
            _("Patient"),
            {
                "fields": [
                    "name",
                    "phone_link",
                    "voicemail",
                    "best_times_display",
                    "language_display",
                    "email",
                    "note",
                    "heard_about",
                ]
            },
        ),
        (_("Follow-up"), {"fields": ["status", "assigned_to", "close_reason", "closed_at"]}),
        (
            _("Record"),
            {
                "classes": ["collapse"],
                "fields": ["updated_at", "notified_at", "personal_data_purged_at"],
            },
        ),
    ]

    class Media:
        css = {"all": ["consultations/admin.css"]}

    def get_changelist(self, request, **kwargs):
        return ConsultationRequestChangeList

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.personal_data_purged_at:
            return False
        return super().has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser and obj is not None:
            title, options = fieldsets[-1]
            fieldsets = [
                *fieldsets[:-1],
                (title, {**options, "fields": [*options["fields"], "audit_trail"]}),
            ]
        if obj is not None and obj.personal_data_purged_at:
            title, options = fieldsets[1]
            removed = clinic_time(obj.personal_data_purged_at)
            description = _("Personal data removed on %(date)s under the retention policy.") % {
                "date": removed
            }
            fieldsets = [
                fieldsets[0],
                (title, {**options, "description": description}),
                *fieldsets[2:],
            ]
        return fieldsets

    def has_export_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.export_{opts.model_name}")

    def get_ordering(self, request):
        # Open requests first, the longest waiting at the top; then the rest, newest first.
        if StatusFilter.lists_open_only(request.GET.get(StatusFilter.parameter_name)):
            # The same order when every request listed is open (as by default), without the
            # cases for closed ones that cost more to build than the rest of the query.
            return ["created_at"]
        open_ = models.Q(status__in=ConsultationRequest.OPEN_STATUSES)
        return [
            models.Case(models.When(open_, then=0), default=1).asc(),
            models.Case(models.When(open_, then="created_at")).asc(nulls_last=True),
            models.F("created_at").desc(),
        ]

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        extra = ConsultationRequest.objects.phone_or_number_q(search_term)
        if extra:
            results |= queryset.filter(extra)
        return results, may_have_duplicates

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assigned_to":
            kwargs["queryset"] = request_workers()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "assigned_to":
            # Picking a colleague must not offer to add, edit or delete user accounts.
            widget = formfield.widget
            widget.can_add_related = widget.can_change_related = False
            widget.can_delete_related = widget.can_view_related = False
        return formfield

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if request.user.is_superuser and obj is not None:
            return [*readonly, "audit_trail"]
        return readonly

    def get_object(self, request, object_id, from_field=None):
        """One request, for its change, delete and history pages. Of the list's computed
        columns these show only whether it is overdue: building the SQL of the others costs
        more CPU than the rest of the page's queries."""
        queryset = admin.ModelAdmin.get_queryset(self, request).with_overdue_flag()
        field = self.opts.pk if from_field is None else self.opts.get_field(from_field)
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (self.model.DoesNotExist, ValidationError, ValueError):
            return None

    def render_change_form(self, request, context, *args, **kwargs):
        context["fieldset_template"] = FIELDSET_TEMPLATE
        return super().render_change_form(request, context, *args, **kwargs)

    # --- audit and stamping ---

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = getattr(response, "context_data", {}).get("original")
            if obj is not None:
                AuditEntry.record(
                    request.user, AuditEntry.Action.VIEWED, obj.pk, via=audit.VIA_CHANGE_PAGE
                )
        return response

    def save_model(self, request, obj, form, change):
        if not change:  # a phone-in request: see FollowUpAdminMixin
            return super().save_model(request, obj, form, change)
        services.save_changes(consultation=obj, by=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not CallAttempt:
            return super().save_formset(request, form, formset, change)
        attempts = formset.save(commit=False)
        services.log_call_attempts(
            consultation=form.instance,
            attempts=attempts,
            deleted=formset.deleted_objects,
            by=request.user,
        )
        formset.save_m2m()

    def delete_model(self, request, obj):
        requests = ConsultationRequest.objects.filter(pk=obj.pk)
        services.delete(requests=requests, by=request.user, via=audit.VIA_ADMIN)

    def delete_queryset(self, request, queryset):
        services.delete(requests=queryset, by=request.user, via=audit.VIA_ADMIN_DELETE_ACTION)

    # --- actions ---

    @admin.action(description=_("Assign selected requests to me"), permissions=["change"])
    def assign_to_me(self, request, queryset):
        assigned = services.assign(
            requests=queryset, to=request.user, by=request.user, via=audit.VIA_ASSIGN_TO_ME
        )
        message = ngettext(
            "%(count)d request assigned to you.",
            "%(count)d requests assigned to you.",
            len(assigned),
        )
        self._log_and_report(request, assigned, ["Assigned to"], message)

    def _log_and_report(self, request, changed, fields, message):
        """Note each change in the admin's own history, and tell staff how many changed."""
        for consultation in changed:
            self.log_change(request, consultation, [{"changed": {"fields": fields}}])
        self.message_user(request, message % {"count": len(changed)}, messages.SUCCESS)

    @admin.action(description=_("Close selected requests…"), permissions=["change"])
    def close_requests(self, request, queryset):
        form = CloseRequestsForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            closed = services.close(
                requests=queryset,
                reason=form.cleaned_data["close_reason"],
                by=request.user,
                via=audit.VIA_CLOSE_ACTION,
            )
            message = ngettext(
                "%(count)d request closed.", "%(count)d requests closed.", len(closed)
            )
            self._log_and_report(request, closed, ["Status", "Reason for closing"], message)
            return None
        return self._close_requests_page(request, queryset, form)

    def _close_requests_page(self, request, queryset, form):
        context = {
            **self.admin_site.each_context(request),
            "title": _("Close consultation requests"),
            "opts": self.opts,
            "form": form,
            "requests": queryset.order_by("pk"),
            "already_closed": queryset.filter(status=Status.CLOSED).count(),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
            "media": self.media,
        }
        return TemplateResponse(
            request, "admin/consultations/consultationrequest/close_requests.html", context
        )

    @admin.action(description=_("Export selected requests as CSV"), permissions=["export"])
    def export_csv(self, request, queryset):
        return export.csv_response(services.record_export(requests=queryset, by=request.user))


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail: superusers read it; nobody adds, edits or deletes entries."""

    list_display = ["at", "staff_member", "action", "request_link", "changes_display", "via"]
    list_filter = ["action"]
    search_fields = ["=request_id", "username"]
    search_help_text = _("Request number or staff username.")
    date_hierarchy = "at"
    fields = ["at", "username", "action", "request_id", "changes_display", "via"]
    readonly_fields = fields

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("request"), ordering="request_id")
    def request_link(self, entry):
        return format_html(
            '<a href="{}">#{}</a>',
            ConsultationRequest(pk=entry.request_id).get_admin_url(),
            entry.request_id,
        )

    @admin.display(description=_("staff member"), ordering="username")
    def staff_member(self, entry):
        return entry.username or _("(system)")

    @admin.display(description=_("changes"))
    def changes_display(self, entry):
        return audit.describe(entry.changes)
