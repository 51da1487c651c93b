"""Finding requests in the admin list: its filters, and who can be assigned a request."""

import re
import time

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from .display import staff_name
from .models import ConsultationRequest

Status = ConsultationRequest.Status


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


class RecentWorkers:
    """The people the "assigned to" filter offers, kept in this process for SECONDS.

    Working them out joins users, groups and permissions: a query that cost the list about a
    twentieth of its time on every view, for a list that changes a few times a year. A change to
    a user, a group's permissions or someone's groups made through this process forgets it at
    once (consultations/apps.py); another server's list catches up within SECONDS.
    """

    SECONDS = 30

    def __init__(self):
        self._kept = None

    def get(self):
        """(user id as text, name) for each person who may be assigned a request."""
        kept, now = self._kept, time.monotonic()
        if kept is None or not kept[0] <= now < kept[0] + self.SECONDS:
            people = [(str(user.pk), staff_name(user)) for user in request_workers()]
            kept = self._kept = (now, people)
        return kept[1]

    def forget(self, **kwargs):
        """Forget the people now, and again once the change that called for it is committed
        (a request of this process meanwhile may have read them from before the change). A
        change made with ``QuerySet.update()`` sends no signal: the list catches up within
        SECONDS."""
        self._kept = None
        if transaction.get_connection().in_atomic_block:
            transaction.on_commit(self._forget_now)

    def _forget_now(self):
        self._kept = None


recent_workers = RecentWorkers()


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

    @classmethod
    def lists_open_only(cls, value):
        """Whether the choice ``value`` (the parameter as sent, None for none) shows only open
        requests."""
        return value in (None, "", cls.OPEN, *ConsultationRequest.OPEN_STATUSES)

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
        return [(self.ME, _("Me")), (self.NOBODY, _("Unassigned")), *recent_workers.get()]

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
            return queryset.filter(queryset.overdue_q())
        if value == "no":
            return queryset.exclude(queryset.overdue_q())
        if value is None:
            return queryset
        raise IncorrectLookupParameters(f"Unknown overdue choice {value!r}")
