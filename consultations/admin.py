import csv
import re
from datetime import timedelta

import phonenumbers
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import AuditEntry, CallAttempt, ConsultationRequest

Status = ConsultationRequest.Status

# A call logged a few minutes "in the future" is a clock difference; more is a typo.
CALL_TIME_TOLERANCE = timedelta(minutes=10)
# Characters that make a spreadsheet treat a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PHONE_SEARCH_CHARACTERS = re.compile(r"^[\d\s()+.\-/]+$")


def clinic_time(moment):
    """A moment as a date and time in the clinic's time zone, e.g. "Nov. 25, 2026, 9:14 a.m."."""
    if moment is None:
        return None
    local = timezone.localtime(moment, timezone.get_default_timezone())
    return formats.date_format(local, "DATETIME_FORMAT")


def request_workers():
    """Active staff who may work consultation requests: the people requests can be assigned to."""
    perm = models.Q(codename="change_consultationrequest", content_type__app_label="consultations")
    permission = Permission.objects.filter(perm)
    return (
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .filter(
            models.Q(is_superuser=True)
            | models.Q(groups__permissions__in=permission)
            | models.Q(user_permissions__in=permission)
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def outcome_label(outcome):
    if not outcome:
        return ""
    return str(dict(CallAttempt.Outcome.choices).get(outcome, outcome))


def staff_name(user):
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def spreadsheet_safe(value):
    """A CSV cell a spreadsheet will show as text, never run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def phone_search_q(term):
    """A filter finding a phone number however staff typed it, or None if it is not a number.

    Numbers are stored in E.164 ("+16515550123"); "(651) 555-0123", "651.555.0123",
    "1 651 555 0123" and a bare "0123" all find it.
    """
    term = term.strip()
    if not PHONE_SEARCH_CHARACTERS.match(term):
        return None
    digits = phonenumbers.normalize_digits_only(term)
    if len(digits) < 4:
        return None
    query = models.Q(phone__contains=digits)
    try:
        number = phonenumbers.parse(term, "US")
    except phonenumbers.NumberParseException:
        return query
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return query | models.Q(phone=e164)


# --- list filters -------------------------------------------------------------------------


class StatusFilter(admin.SimpleListFilter):
    """Open requests unless staff ask for something else."""

    title = _("status")
    parameter_name = "status"
    OPEN = "open"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [
            (self.OPEN, _("Open (new, contacting, scheduled)")),
            *Status.choices,
            (self.ALL, _("All")),
        ]

    def value(self):
        return super().value() or self.OPEN

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.ALL:
            return queryset
        if value == self.OPEN:
            return queryset.open()
        if value in Status.values:
            return queryset.filter(status=value)
        raise IncorrectLookupParameters(f"Unknown status {value!r}")

    def choices(self, changelist):
        # Like SimpleListFilter.choices, without its "All" on top: here no choice means "open".
        counts = self.get_facet_queryset(changelist) if changelist.add_facets else {}
        for index, (lookup, title) in enumerate(self.lookup_choices):
            if changelist.add_facets:
                title = f"{title} ({counts.get(f'{index}__c', '-')})"
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class AssigneeFilter(admin.SimpleListFilter):
    title = _("assigned to")
    parameter_name = "assignee"
    ME = "me"
    NOBODY = "none"

    def lookups(self, request, model_admin):
        staff = request_workers()
        return [
            (self.ME, _("Me")),
            (self.NOBODY, _("Unassigned")),
            *((str(user.pk), staff_name(user)) for user in staff),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if value == self.ME:
            return queryset.filter(assigned_to=request.user)
        if value == self.NOBODY:
            return queryset.filter(assigned_to__isnull=True)
        if re.fullmatch(r"[0-9]{1,18}", value):
            return queryset.filter(assigned_to_id=int(value))
        raise IncorrectLookupParameters(f"Unknown assignee {value!r}")


class OverdueFilter(admin.SimpleListFilter):
    title = _("call back")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "yes":
            return queryset.filter(is_overdue=True)
        if value == "no":
            return queryset.filter(is_overdue=False)
        if value is None:
            return queryset
        raise IncorrectLookupParameters(f"Unknown overdue choice {value!r}")


# --- forms --------------------------------------------------------------------------------


class ConsultationRequestForm(forms.ModelForm):
    class Meta:
        model = ConsultationRequest
        fields = ["status", "close_reason", "assigned_to"]
        help_texts = {
            "status": _(
                "Closed and Not a fit end the follow-up and record the time; choosing an open "
                "status again reopens the request."
            ),
            "close_reason": _("Required when closing."),
            "assigned_to": _("Who calls this patient back."),
        }

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("status") == Status.CLOSED and not cleaned_data.get("close_reason"):
            self.add_error(
                "close_reason",
                ValidationError(
                    _("Choose a reason for closing this request."), code="close_reason_required"
                ),
            )
        return cleaned_data


class CallAttemptForm(forms.ModelForm):
    class Meta:
        model = CallAttempt
        fields = ["called_at", "outcome", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2, "cols": 40})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The tabular inline shows labels only as column headings: name each input for screen
        # readers. (The date and time inputs carry labels of their own.)
        for field in self.fields.values():
            if not isinstance(field.widget, forms.MultiWidget):
                field.widget.attrs.setdefault("aria-label", capfirst(field.label))

    def clean_called_at(self):
        called_at = self.cleaned_data["called_at"]
        if called_at and called_at > timezone.now() + CALL_TIME_TOLERANCE:
            raise ValidationError(
                _("A call cannot be logged in the future. Check the date and time."),
                code="future_call",
            )
        return called_at


class CloseRequestsForm(forms.Form):
    close_reason = forms.ChoiceField(
        label=_("Reason for closing"),
        choices=[("", "---------"), *ConsultationRequest.CloseReason.choices],
    )


# --- admin --------------------------------------------------------------------------------


class CallAttemptInline(admin.TabularInline):
    model = CallAttempt
    form = CallAttemptForm
    fields = ["called_at", "outcome", "notes", "called_by_display"]
    readonly_fields = ["called_by_display"]
    extra = 1
    ordering = ["called_at", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("called_by")

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
    """The list never loads the patient's note: it is not shown there and is decrypted on load."""

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).defer("note")


@admin.register(ConsultationRequest)
class ConsultationRequestAdmin(admin.ModelAdmin):
    form = ConsultationRequestForm
    inlines = [CallAttemptInline]
    list_display = [
        "number",
        "received",
        "waiting",
        "status",
        "assigned_to_display",
        "best_times_display",
        "voicemail",
        "language_display",
        "call_count",
        "last_outcome_display",
    ]
    list_display_links = ["number"]
    list_filter = [StatusFilter, AssigneeFilter, OverdueFilter, "call_language", "interpreter"]
    list_select_related = ["assigned_to"]
    list_per_page = 50
    search_fields = ["name", "email"]
    search_help_text = _("Name, email, phone number in any format, or request number (#42).")
    actions = ["assign_to_me", "close_requests", "export_csv"]
    readonly_fields = [
        "received",
        "call_due",
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
        (_("Request"), {"fields": ["received", "call_due"]}),
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

    # Requests come from patients through the public form, never typed in by staff.
    def has_add_permission(self, request):
        return False

    def get_changelist(self, request, **kwargs):
        return ConsultationRequestChangeList

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.personal_data_purged_at:
            return False
        return super().has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
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

    def get_queryset(self, request):
        return super().get_queryset(request).with_call_summary()

    def get_ordering(self, request):
        # Open requests first, the longest waiting at the top; then the rest, newest first.
        open_ = models.Q(status__in=ConsultationRequest.OPEN_STATUSES)
        return [
            models.Case(models.When(open_, then=0), default=1).asc(),
            models.Case(models.When(open_, then="created_at")).asc(nulls_last=True),
            models.F("created_at").desc(),
        ]

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        extra = models.Q()
        phone = phone_search_q(term)
        if phone is not None:
            extra |= phone
        number = re.fullmatch(r"#?\s*(\d{1,18})", term)
        if number:
            extra |= models.Q(pk=int(number.group(1)))
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

    # --- columns ---

    @admin.display(description=_("request"), ordering="pk")
    def number(self, obj):
        return f"#{obj.pk}"

    @admin.display(description=_("received"), ordering="created_at")
    def received(self, obj):
        return clinic_time(obj.created_at)

    @admin.display(description=_("waiting"), ordering="-created_at")
    def waiting(self, obj):
        if not obj.is_open:
            return "—"
        waited = timesince(obj.created_at, timezone.now(), depth=2)
        if getattr(obj, "is_overdue", False):
            return format_html(
                '<span class="consult-overdue" title="{}">{}</span> {}',
                _("Nobody has called yet and the call-back time has passed."),
                _("Overdue"),
                waited,
            )
        return waited

    @admin.display(description=_("language"), ordering="call_language")
    def language_display(self, obj):
        """The language to call in, as the patient gave it, and whether to bring an interpreter."""
        if obj.call_language == ConsultationRequest.CallLanguage.OTHER and obj.call_language_other:
            language = obj.call_language_other
        else:
            language = obj.get_call_language_display()
        if obj.interpreter:
            return _("%(language)s, with an interpreter") % {"language": language}
        return language

    @admin.display(description=_("call back by"))
    def call_due(self, obj):
        if obj.pk is None:
            return "—"
        local_due = timezone.localtime(obj.call_due_at, timezone.get_default_timezone())
        if local_due.hour == local_due.minute == local_due.second == 0:
            # Midnight is ambiguous to people: say which day it ends.
            end_of = formats.date_format(local_due - timedelta(days=1), "DATE_FORMAT")
            due = _("end of %(day)s") % {"day": end_of}
        else:
            due = clinic_time(obj.call_due_at)
        if getattr(obj, "is_overdue", False):
            return format_html(
                '{} <span class="consult-overdue">{}</span>', due, _("Overdue: not called yet")
            )
        return due

    @admin.display(description=_("assigned to"), ordering="assigned_to__username")
    def assigned_to_display(self, obj):
        return staff_name(obj.assigned_to) or self.get_empty_value_display()

    @admin.display(description=_("best times"))
    def best_times_display(self, obj):
        labels = dict(ConsultationRequest.CallTime.choices)
        times = obj.best_times if isinstance(obj.best_times, list) else []
        if not times:
            return self.get_empty_value_display()
        return format_html_join(
            mark_safe("<br>"), "{}", ((labels.get(time, str(time)),) for time in times)
        )

    @admin.display(description=_("voicemail"), ordering="voicemail_ok")
    def voicemail(self, obj):
        if obj.voicemail_ok:
            return _("Yes")
        return format_html('<strong class="consult-no-voicemail">{}</strong>', _("No"))

    @admin.display(description=_("calls"), ordering="call_count")
    def call_count(self, obj):
        return obj.call_count

    @admin.display(description=_("last outcome"), ordering="last_called_at")
    def last_outcome_display(self, obj):
        return outcome_label(obj.last_outcome) or self.get_empty_value_display()

    @admin.display(description=_("phone"))
    def phone_link(self, obj):
        if not obj.phone:
            return self.get_empty_value_display()
        return format_html('<a href="tel:{}">{}</a>', obj.phone, obj.phone_national)

    @admin.display(description=_("audit trail"))
    def audit_trail(self, obj):
        url = reverse("admin:consultations_auditentry_changelist")
        return format_html(
            '<a href="{}?q={}">{}</a>', url, obj.pk, _("Who has opened or changed this request")
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return [*readonly, "audit_trail"]
        return readonly

    # --- audit and stamping ---

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = (
                response.context_data.get("original") if hasattr(response, "context_data") else None
            )
            if obj is not None:
                AuditEntry.record(
                    request.user, AuditEntry.Action.VIEWED, obj.pk, via="admin change page"
                )
        return response

    def save_model(self, request, obj, form, change):
        before = AuditEntry.snapshot(
            ConsultationRequest.objects.select_related("assigned_to").get(pk=obj.pk)
        )
        obj.sync_closed_at()
        super().save_model(request, obj, form, change)
        changes = AuditEntry.diff(before, AuditEntry.snapshot(obj))
        if changes:
            AuditEntry.record(
                request.user, AuditEntry.Action.CHANGED, obj.pk, changes, via="admin change page"
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is not CallAttempt:
            return super().save_formset(request, form, formset, change)
        consultation = form.instance
        entries = []
        originals = {
            attempt.pk: AuditEntry.snapshot(attempt)
            for attempt in CallAttempt.objects.filter(request=consultation).select_related(
                "called_by"
            )
        }
        attempts = formset.save(commit=False)
        for attempt in formset.deleted_objects:
            entries.append(
                AuditEntry.entry(
                    request.user,
                    AuditEntry.Action.CALL_DELETED,
                    consultation.pk,
                    [{"field": "call_attempt", "old": attempt.pk, "new": None}],
                    via="admin change page",
                )
            )
            attempt.delete()
        added = False
        for attempt in attempts:
            if attempt.pk is None:
                attempt.called_by = request.user
                attempt.save()
                added = True
                entries.append(
                    AuditEntry.entry(
                        request.user,
                        AuditEntry.Action.CALL_ADDED,
                        consultation.pk,
                        [
                            {"field": "call_attempt", "old": None, "new": attempt.pk},
                            {"field": "outcome", "old": None, "new": attempt.outcome},
                        ],
                        via="admin change page",
                    )
                )
            else:
                attempt.save()
                changes = AuditEntry.diff(
                    originals.get(attempt.pk, {}), AuditEntry.snapshot(attempt)
                )
                entries.append(
                    AuditEntry.entry(
                        request.user,
                        AuditEntry.Action.CALL_CHANGED,
                        consultation.pk,
                        [{"field": "call_attempt", "old": attempt.pk, "new": attempt.pk}, *changes],
                        via="admin change page",
                    )
                )
        formset.save_m2m()
        if added and consultation.note_call_attempt():
            consultation.save(update_fields=["status", "updated_at"])
            entries.append(
                AuditEntry.entry(
                    request.user,
                    AuditEntry.Action.CHANGED,
                    consultation.pk,
                    [{"field": "status", "old": Status.NEW, "new": consultation.status}],
                    via="first call attempt",
                )
            )
        AuditEntry.objects.bulk_create(entries)

    def delete_model(self, request, obj):
        AuditEntry.record(request.user, AuditEntry.Action.DELETED, obj.pk, via="admin")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        AuditEntry.objects.bulk_create(
            AuditEntry.entry(request.user, AuditEntry.Action.DELETED, pk, via="admin action")
            for pk in queryset.values_list("pk", flat=True)
        )
        super().delete_queryset(request, queryset)

    # --- actions ---

    @admin.action(description=_("Assign selected requests to me"), permissions=["change"])
    def assign_to_me(self, request, queryset):
        entries = []
        with transaction.atomic():
            workable = queryset.filter(personal_data_purged_at__isnull=True)
            for consultation in workable.select_related("assigned_to"):
                if consultation.assigned_to_id == request.user.pk:
                    continue
                before = AuditEntry.snapshot(consultation)
                consultation.assigned_to = request.user
                consultation.save(update_fields=["assigned_to", "updated_at"])
                entries.append(
                    AuditEntry.entry(
                        request.user,
                        AuditEntry.Action.CHANGED,
                        consultation.pk,
                        AuditEntry.diff(before, AuditEntry.snapshot(consultation)),
                        via="admin action: assign to me",
                    )
                )
                self.log_change(request, consultation, [{"changed": {"fields": ["Assigned to"]}}])
            AuditEntry.objects.bulk_create(entries)
        self.message_user(
            request,
            ngettext(
                "%(count)d request assigned to you.",
                "%(count)d requests assigned to you.",
                len(entries),
            )
            % {"count": len(entries)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Close selected requests…"), permissions=["change"])
    def close_requests(self, request, queryset):
        if "apply" in request.POST:
            form = CloseRequestsForm(request.POST)
            if form.is_valid():
                closed = self._close(request, queryset, form.cleaned_data["close_reason"])
                self.message_user(
                    request,
                    ngettext("%(count)d request closed.", "%(count)d requests closed.", closed)
                    % {"count": closed},
                    messages.SUCCESS,
                )
                return None
        else:
            form = CloseRequestsForm()
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

    def _close(self, request, queryset, reason):
        now = timezone.now()
        entries = []
        with transaction.atomic():
            to_close = queryset.exclude(status=Status.CLOSED).filter(
                personal_data_purged_at__isnull=True
            )
            for consultation in to_close.select_related("assigned_to"):
                before = AuditEntry.snapshot(consultation)
                consultation.status = Status.CLOSED
                consultation.close_reason = reason
                consultation.sync_closed_at(now)
                consultation.save(
                    update_fields=["status", "close_reason", "closed_at", "updated_at"]
                )
                entries.append(
                    AuditEntry.entry(
                        request.user,
                        AuditEntry.Action.CHANGED,
                        consultation.pk,
                        AuditEntry.diff(before, AuditEntry.snapshot(consultation)),
                        via="admin action: close",
                    )
                )
                self.log_change(
                    request,
                    consultation,
                    [{"changed": {"fields": ["Status", "Reason for closing"]}}],
                )
            AuditEntry.objects.bulk_create(entries)
        return len(entries)

    @admin.action(description=_("Export selected requests as CSV"), permissions=["export"])
    def export_csv(self, request, queryset):
        rows = list(queryset.select_related("assigned_to").order_by("pk"))
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime(timezone.now(), timezone.get_default_timezone())
        response["Content-Disposition"] = (
            f'attachment; filename="consultation-requests-{stamp:%Y-%m-%d-%H%M}.csv"'
        )
        response["Cache-Control"] = "no-store"
        # A byte order mark lets spreadsheet programs read accented names correctly.
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(
            [
                "Request",
                "Received",
                "Status",
                "Reason for closing",
                "Closed",
                "Assigned to",
                "Name",
                "Phone",
                "Email",
                "Best times",
                "Voicemail allowed",
                "Heard about us",
                "Calls",
                "Last outcome",
            ]
        )
        labels = dict(ConsultationRequest.CallTime.choices)
        for row in rows:
            times = row.best_times if isinstance(row.best_times, list) else []
            writer.writerow(
                spreadsheet_safe(value)
                for value in [
                    row.pk,
                    clinic_time(row.created_at),
                    row.get_status_display(),
                    row.get_close_reason_display(),
                    clinic_time(row.closed_at),
                    staff_name(row.assigned_to),
                    row.name,
                    row.phone_national,
                    row.email,
                    ", ".join(str(labels.get(time, time)) for time in times),
                    "yes" if row.voicemail_ok else "no",
                    row.get_heard_about_display(),
                    row.call_count,
                    outcome_label(row.last_outcome),
                ]
            )
        AuditEntry.objects.bulk_create(
            AuditEntry.entry(
                request.user,
                AuditEntry.Action.EXPORTED,
                row.pk,
                [{"field": "export", "old": None, "new": len(rows)}],
                via="admin action: export CSV",
            )
            for row in rows
        )
        return response


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
        return entry.describe_changes()
