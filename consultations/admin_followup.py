"""The consultation request admin's follow-up aids: requests staff take by phone or in person,
the same-number and "asked not to be called" flags, and closing requests as duplicates or as not
reached."""

from functools import lru_cache, partial

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.http import HttpResponseRedirect
from django.urls import path
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import services
from .admin_views import how_we_are_doing
from .forms import StaffRequestForm
from .models import ClosureDay, DoNotContact


@lru_cache(maxsize=256)
def flags_html(language, do_not_contact, same_number_count, ready_to_close):
    """The request list's flags for a request; "" for none. The same few combinations on every
    row: each made once per language."""
    flags = []
    if do_not_contact:
        flags.append(("consult-flag consult-flag-stop", gettext("Asked not to be called")))
    if same_number_count:
        flags.append(
            (
                "consult-flag",
                ngettext(
                    "Same number: %(count)d other request",
                    "Same number: %(count)d other requests",
                    same_number_count,
                )
                % {"count": same_number_count},
            )
        )
    if ready_to_close:
        flags.append(("consult-flag consult-flag-close", gettext("Ready to close: not reached")))
    return format_html_join(" ", '<span class="{}">{}</span>', flags)


ADD_FIELDSETS = [
    (
        None,
        {
            "description": _(
                "For someone who called, came in or was referred. The same checks as the "
                "website's form apply."
            ),
            "fields": [
                "source",
                "name",
                "phone",
                "email",
                "best_times",
                "voicemail_ok",
                "note",
                "heard_about",
                "consent",
            ],
        },
    )
]
CHANGE_EXTRA_READONLY = ["contact_history", "source", "entered_by", "consent_confirmed_by"]


class ReadyToCloseFilter(admin.SimpleListFilter):
    title = _("calls without an answer")
    parameter_name = "not_reached"

    def lookups(self, request, model_admin):
        calls = settings.CONSULTATION_UNANSWERED_CALLS_TO_CLOSE
        return [("yes", _("Ready to close: not reached (%(calls)d calls)") % {"calls": calls})]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "yes":
            return queryset.not_reached()
        if value is None:
            return queryset
        raise IncorrectLookupParameters(f"Unknown choice {value!r}")


def local_date(moment):
    return formats.date_format(
        timezone.localtime(moment, timezone.get_default_timezone()), "DATE_FORMAT"
    )


class FollowUpAdminMixin:
    """Mixed into ConsultationRequestAdmin (before ModelAdmin)."""

    def get_urls(self):
        metrics = path(
            "how-we-are-doing/",
            self.admin_site.admin_view(partial(how_we_are_doing, model_admin=self)),
            name="consultations_metrics",
        )
        return [metrics, *super().get_urls()]

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        columns.insert(columns.index("status") + 1, "flags")
        return columns

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = StaffRequestForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return ADD_FIELDSETS
        fieldsets = super().get_fieldsets(request, obj)
        title, options = fieldsets[0]
        extra = ["contact_history", "source", "entered_by", "consent_confirmed_by"]
        return [(title, {**options, "fields": [*options["fields"], *extra]}), *fieldsets[1:]]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [*super().get_readonly_fields(request, obj), *CHANGE_EXTRA_READONLY]

    def get_inline_instances(self, request, obj=None):
        if obj is None:
            return []
        return super().get_inline_instances(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            services.add_staff_request(consultation=obj, by=request.user)
            return
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        # Straight to the new request, where its calls are logged.
        if "_addanother" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(
            request, _("%(request)s added. Log calls below.") % {"request": obj}, messages.SUCCESS
        )
        return HttpResponseRedirect(obj.get_admin_url())

    # --- columns ---

    @admin.display(description=_("flags"))
    def flags(self, obj):
        markup = flags_html(
            get_language(),
            bool(getattr(obj, "do_not_contact", False)),
            getattr(obj, "same_number_count", 0),
            bool(getattr(obj, "ready_to_close", False)),
        )
        return markup or self.get_empty_value_display()

    @admin.display(description=_("same number"))
    def contact_history(self, obj):
        parts = []
        if DoNotContact.objects.filter(number_key=obj.phone_key).exclude(number_key="").exists():
            parts.append(
                format_html(
                    '<strong class="consult-flag consult-flag-stop">{}</strong>',
                    _("This number asked not to be called. Do not call it."),
                )
            )
        earlier = services.earlier_requests(consultation=obj)
        if earlier:
            links = format_html_join(
                ", ",
                '<a href="{}">{} #{}</a>',
                (
                    (other.get_admin_url(), local_date(other.created_at), other.pk)
                    for other in earlier
                ),
            )
            parts.append(format_html("{} {}", _("Also asked on"), links))
        if not parts:
            return _("No other request from this number in the last %(days)d days.") % {
                "days": settings.CONSULTATION_SAME_NUMBER_DAYS
            }
        return format_html_join(mark_safe("<br>"), "{}", ((part,) for part in parts))

    # --- actions ---

    @admin.action(
        description=_("Close as not reached (only those ready to close)"), permissions=["change"]
    )
    def close_not_reached(self, request, queryset):
        closed = services.close_not_reached(requests=queryset, by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d request closed as could not be reached.",
                "%(count)d requests closed as could not be reached.",
                closed,
            )
            % {"count": closed},
            messages.SUCCESS if closed else messages.WARNING,
        )

    @admin.action(
        description=_("Close as duplicate of the earlier request from the same number"),
        permissions=["change"],
    )
    def close_duplicates(self, request, queryset):
        closed = services.close_duplicates(requests=queryset, by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d request closed as a duplicate.",
                "%(count)d requests closed as duplicates.",
                closed,
            )
            % {"count": closed},
            messages.SUCCESS if closed else messages.WARNING,
        )

    @admin.action(
        description=_("Stop contacting: the person asked not to be called"),
        permissions=["change"],
    )
    def stop_contacting(self, request, queryset):
        count = 0
        for consultation in queryset.filter(personal_data_purged_at__isnull=True):
            services.stop_contacting(consultation=consultation, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d request closed; its number will be flagged if it asks again.",
                "%(count)d requests closed; their numbers will be flagged if they ask again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin):
    list_display = ["__str__", "reason"]
    fields = ["date", "reason"]
    date_hierarchy = "date"
