"""Booked call times in the staff admin: the column and filter on the request list, the day view
of booked calls per slot, moving a booking, per-day capacity and blocked times."""

from datetime import date, timedelta
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import audit, services
from .business_days import clinic_calendar, clinic_date
from .call_forms import parse_slot
from .clinic_time import clinic_time
from .models import BlockedTime, CallCapacity, ConsultationRequest
from .slots import SlotBook, day_bounds, day_slots, describe_slot, slot_day, slot_length, slot_time


class BookedCallFilter(admin.SimpleListFilter):
    title = gettext_lazy("booked call")
    parameter_name = "booked"

    def lookups(self, request, model_admin):
        return [
            ("today", gettext_lazy("Booked for today")),
            ("upcoming", gettext_lazy("Booked, still to come")),
            ("passed", gettext_lazy("Booked time passed")),
            ("any", gettext_lazy("Any booked time")),
            ("none", gettext_lazy("No booked time")),
            ("cancelled", gettext_lazy("Cancelled by the patient")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        start, end = day_bounds(clinic_date(now))
        filters = {
            "today": {"call_at__gte": start, "call_at__lt": end},
            "upcoming": {"call_at__gt": now},
            "passed": {"call_at__lte": now},
            "any": {"call_at__isnull": False},
            "none": {"call_at__isnull": True},
            "cancelled": {"call_cancelled_at__isnull": False, "call_at__isnull": True},
        }
        if self.value() in filters:
            return queryset.filter(**filters[self.value()])
        return queryset


class MoveCallForm(forms.Form):
    call_at = forms.ChoiceField(label=gettext_lazy("New call time"))

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call_at"].choices = [
            (slot_day(day.date), [(slot.isoformat(), slot_time(slot)) for slot in day.slots])
            for day in slots.days
        ]


class BookedCallAdminMixin:
    """For the request admin: the booked time as a sortable column, the day view, moving."""

    @admin.display(description=gettext_lazy("booked call"), ordering="call_at")
    def booked_call(self, obj):
        if obj.call_at is None:
            if obj.call_cancelled_at:
                return _("Cancelled by the patient")
            return self.get_empty_value_display()
        return clinic_time(obj.call_at)

    @admin.display(description=gettext_lazy("booked call"))
    def booked_call_detail(self, obj):
        if obj.pk is None or obj.call_at is None:
            return self.booked_call(obj) if obj.pk else self.get_empty_value_display()
        day = clinic_date(obj.call_at).isoformat()
        return format_html(
            '{} · <a href="{}?day={}">{}</a> · <a href="{}">{}</a>',
            describe_slot(obj.call_at),
            reverse("admin:consultations_booked_calls"),
            day,
            _("that day's calls"),
            reverse("admin:consultations_move_call", args=[obj.pk]),
            _("move this call"),
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "calls/",
                view(partial(booked_calls_day, model_admin=self)),
                name="consultations_booked_calls",
            ),
            path(
                "<int:pk>/move-call/",
                view(partial(move_call, model_admin=self)),
                name="consultations_move_call",
            ),
            *super().get_urls(),
        ]


def booked_calls_day(request, model_admin):
    """The booked calls of one clinic day, slot by slot: request numbers only."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = clinic_date(timezone.now())
    start, end = day_bounds(day)
    booked = {}
    for consultation in (
        ConsultationRequest.objects.filter(call_at__gte=start, call_at__lt=end)
        .only("pk", "call_at", "status")
        .order_by("call_at", "pk")
    ):
        booked.setdefault(consultation.call_at, []).append(consultation)
    capacity = (
        CallCapacity.objects.filter(date=day).values_list("calls_per_slot", flat=True).first()
    )
    blocked = list(BlockedTime.objects.filter(starts_at__lt=end, ends_at__gt=start))
    open_day = clinic_calendar().is_business_day(day)
    rows = [
        {
            "time": slot_time(slot),
            "requests": booked.pop(slot, []),
            "blocked": any(
                b.starts_at < slot + slot_length() and b.ends_at > slot for b in blocked
            ),
        }
        for slot in (day_slots(day) if open_day else [])
    ]
    # Bookings off the slot grid (the opening hours or slot length changed since): still shown.
    rows += [
        {"time": slot_time(slot), "requests": requests, "blocked": False}
        for slot, requests in sorted(booked.items())
    ]
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Booked calls on %(day)s") % {"day": slot_day(day)},
        "opts": ConsultationRequest._meta,
        "day": day,
        "open_day": open_day,
        "rows": rows,
        "capacity": capacity,
        "previous_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
        "can_move": model_admin.has_change_permission(request),
    }
    return TemplateResponse(request, "admin/consultations/booked_calls.html", context)


def move_call(request, pk, model_admin):
    """Staff move a patient's booked call to another free time (the patient is emailed when they
    asked for email)."""
    consultation = get_object_or_404(
        ConsultationRequest, pk=pk, call_at__isnull=False, personal_data_purged_at__isnull=True
    )
    if not model_admin.has_change_permission(request, consultation):
        raise PermissionDenied
    slots = SlotBook()
    form = MoveCallForm(request.POST or None, slots=slots)
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.change_call(
                consultation=consultation,
                call_at=parse_slot(form.cleaned_data["call_at"]),
                version=int(request.POST.get("version", -1)),
                by=request.user,
                via=audit.VIA_MOVE_CALL,
            )
        except services.SlotTaken:
            form.add_error("call_at", _("That time was just taken. Choose another."))
        except services.StaleBooking:
            form.add_error(None, _("The booking changed meanwhile. Check it and try again."))
        else:
            model_admin.message_user(
                request,
                _("Request #%(number)d moved to %(time)s.")
                % {"number": moved.pk, "time": describe_slot(moved.call_at)},
                messages.SUCCESS,
            )
            day = clinic_date(moved.call_at).isoformat()
            return redirect(reverse("admin:consultations_booked_calls") + f"?day={day}")
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Move the call for request #%(number)d") % {"number": consultation.pk},
        "opts": ConsultationRequest._meta,
        "consultation": consultation,
        "current": describe_slot(consultation.call_at),
        "form": form,
    }
    return TemplateResponse(request, "admin/consultations/move_call.html", context)


@admin.register(CallCapacity)
class CallCapacityAdmin(admin.ModelAdmin):
    list_display = ["date", "calls_per_slot"]
    date_hierarchy = "date"


@admin.register(BlockedTime)
class BlockedTimeAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "ends_at", "reason"]
    date_hierarchy = "starts_at"
