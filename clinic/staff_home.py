"""The staff home: the day's numbers as tiles, each shown only to those allowed to follow it.

A tile is one entry in TILES: its title, the permission it needs, a callable giving its number
from the page's shared figures, and the link it opens. Tiles that share a query read it from
HomeFigures, which runs each query once and only if a visible tile needs it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _

INTAKE = _("Call-backs")
CONTENT = _("Questions and answers")

REQUESTS = "admin:consultations_consultationrequest_changelist"
QUESTIONS = "admin:faq_question_changelist"


class HomeFigures:
    """The figures tiles read, each computed once per page."""

    def __init__(self, request):
        self.request = request
        self.now = timezone.now()

    @cached_property
    def intake(self):
        from consultations.metrics import intake_summary

        return intake_summary(user=self.request.user, now=self.now)

    @cached_property
    def unpublished_questions(self):
        from faq.models import Question

        return Question.objects.filter(is_published=False).count()

    def review_status_count(self, status):
        from faq.models import Question

        return Question.objects.with_review_status(status, now=self.now).count()

    @cached_property
    def least_helpful_answers(self):
        """Answers more readers said did not help than did, over the helpfulness list's days."""
        from django.db.models import Q, Sum

        from faq.feedback_admin import HELPFULNESS_DAYS
        from faq.models import Question

        since = timezone.localdate(self.now) - timedelta(days=HELPFULNESS_DAYS)
        recent = Q(votes__day__gte=since)
        return (
            Question.objects.annotate(
                yes=Sum("votes__count", filter=recent & Q(votes__helpful=True), default=0),
                no=Sum("votes__count", filter=recent & Q(votes__helpful=False), default=0),
            )
            .filter(no__gt=F("yes"))
            .count()
        )

    @cached_property
    def missed_searches(self):
        """Different searches that found nothing, over the missed-searches list's days."""
        from faq.feedback_admin import MISSED_SEARCH_DAYS
        from faq.models import MissedSearch

        since = timezone.localdate(self.now) - timedelta(days=MISSED_SEARCH_DAYS)
        return MissedSearch.objects.filter(day__gte=since).values("text").distinct().count()


@dataclass(frozen=True)
class Tile:
    title: str
    permission: str
    count: Callable[[HomeFigures], object]
    link: Callable[[HomeFigures], str]
    group: str = INTAKE
    note: str = ""


def changelist(url_name, query=""):
    return lambda figures: reverse(url_name) + (f"?{query}" if query else "")


def oldest_waiting(figures):
    oldest = figures.intake["oldest_new"]
    if oldest is None:
        return _("none")
    return timesince(oldest, figures.now, depth=1)


TILES = [
    Tile(
        _("Open requests"),
        "consultations.view_consultationrequest",
        lambda figures: figures.intake["open"],
        changelist(REQUESTS, "status=open"),
    ),
    Tile(
        _("Overdue now"),
        "consultations.view_consultationrequest",
        lambda figures: figures.intake["overdue"],
        changelist(REQUESTS, "overdue=yes"),
        note=_("Not called within the promised business day"),
    ),
    Tile(
        _("Unassigned"),
        "consultations.view_consultationrequest",
        lambda figures: figures.intake["unassigned"],
        changelist(REQUESTS, "assignee=none"),
    ),
    Tile(
        _("Assigned to me"),
        "consultations.view_consultationrequest",
        lambda figures: figures.intake["mine"],
        changelist(REQUESTS, "assignee=me"),
    ),
    Tile(
        _("Oldest one waiting"),
        "consultations.view_consultationrequest",
        oldest_waiting,
        changelist(REQUESTS, "status=new"),
        note=_("The longest a new request has waited for its first call"),
    ),
    Tile(
        _("Ready to close: not reached"),
        "consultations.change_consultationrequest",
        lambda figures: figures.intake["not_reached"],
        changelist(REQUESTS, "not_reached=yes"),
    ),
    Tile(
        _("Reviews due"),
        "faq.view_question",
        lambda figures: figures.review_status_count("due"),
        changelist(QUESTIONS, "review=due"),
        group=CONTENT,
        note=_("Answers whose clinical review is older than the set number of months"),
    ),
    Tile(
        _("Changed since review"),
        "faq.view_question",
        lambda figures: figures.review_status_count("changed"),
        changelist(QUESTIONS, "review=changed"),
        group=CONTENT,
        note=_("The site hides their “reviewed by” line until a reviewer checks them"),
    ),
    Tile(
        _("Least helpful answers"),
        "faq.view_questionhelpfulness",
        lambda figures: figures.least_helpful_answers,
        changelist("admin:faq_questionhelpfulness_changelist"),
        group=CONTENT,
        note=_("More readers said No than Yes in the last 90 days"),
    ),
    Tile(
        _("Searches that found nothing"),
        "faq.view_missedsearch",
        lambda figures: figures.missed_searches,
        changelist("admin:faq_missedsearch_changelist"),
        group=CONTENT,
        note=_("Different searches in the last 30 days"),
    ),
    Tile(
        _("Unpublished questions"),
        "faq.change_question",
        lambda figures: figures.unpublished_questions,
        changelist(QUESTIONS, "is_published__exact=0"),
        group=CONTENT,
    ),
]


def tile_groups(request, tiles=None):
    """[(group title, [{"title", "count", "url", "note"}])] for the tiles this person may see."""
    figures = HomeFigures(request)
    groups = {}
    for tile in TILES if tiles is None else tiles:
        if not request.user.has_perm(tile.permission):
            continue
        groups.setdefault(tile.group, []).append(
            {
                "title": tile.title,
                "count": tile.count(figures),
                "url": tile.link(figures),
                "note": tile.note,
            }
        )
    return list(groups.items())


def todays_booked_calls(request, now=None):
    """Today's booked calls (clinic date) in order: [{"time", "number", "url"}], open requests
    only; one query. Empty for people who may not see requests."""
    if not request.user.has_perm("consultations.view_consultationrequest"):
        return None
    from consultations.business_days import clinic_date
    from consultations.models import ConsultationRequest
    from consultations.slots import day_bounds, slot_time

    start, end = day_bounds(clinic_date(now or timezone.now()))
    booked = (
        ConsultationRequest.objects.open()
        .filter(call_at__gte=start, call_at__lt=end)
        .order_by("call_at", "pk")
        .values_list("pk", "call_at")
    )
    return [
        {
            "time": slot_time(call_at),
            "number": pk,
            "url": reverse("admin:consultations_consultationrequest_change", args=[pk]),
        }
        for pk, call_at in booked
    ]
