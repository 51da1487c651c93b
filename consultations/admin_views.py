"""Pages in the staff admin beyond the request list: "How we're doing"."""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import metrics
from .charts import bar_chart
from .models import ConsultationRequest


def business_duration(seconds):
    """Seconds of opening hours in words: "2 h 15 min", "40 min"."""
    if seconds is None:
        return _("no calls yet")
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


def share(part, whole):
    if not whole:
        return None
    return round(100 * part / whole)


def how_we_are_doing(request, model_admin):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    now = timezone.now()
    period = metrics.Period.ending(now)
    first_calls = metrics.first_calls(period, now)
    kept, due, median = first_calls["kept"], first_calls["due"], first_calls["median"]
    rows = metrics.breakdown(period)
    weekly = metrics.requests_per_week(rows, period)
    outcomes = metrics.outcomes(rows)
    heard = metrics.heard_about(rows)
    total = sum(count for _week, count in weekly)
    charts = [
        bar_chart(
            slug="weekly",
            title=_("Requests per week"),
            description=ngettext(
                "%(count)d request in the last 12 weeks, by the week it arrived.",
                "%(count)d requests in the last 12 weeks, by the week they arrived.",
                total,
            )
            % {"count": total},
            label_heading=_("Week starting"),
            value_heading=_("Requests"),
            figures=[(formats.date_format(week, "M j, Y"), count) for week, count in weekly],
        ),
        bar_chart(
            slug="promise",
            title=_("First call within the promise"),
            description=_(
                "Of %(due)d requests due a call: %(kept)d were first called within the "
                "promised business day, %(late)d later or not yet."
            )
            % {"due": due, "kept": kept, "late": due - kept},
            label_heading=_("First call"),
            value_heading=_("Requests"),
            figures=[(_("Within the promise"), kept), (_("Later, or not yet"), due - kept)],
        ),
        bar_chart(
            slug="outcomes",
            title=_("Where requests stand"),
            description=_("Requests of the last 12 weeks by status; closed ones by their reason."),
            label_heading=_("Status or reason for closing"),
            value_heading=_("Requests"),
            figures=[
                *((_("Open: %(status)s") % {"status": label}, n) for label, n in outcomes[:3]),
                *((_("Closed: %(reason)s") % {"reason": label}, n) for label, n in outcomes[3:-1]),
                outcomes[-1],
            ],
        ),
        bar_chart(
            slug="heard",
            title=_("How patients heard about us"),
            description=_("Answers given on requests of the last 12 weeks."),
            label_heading=_("Heard about us"),
            value_heading=_("Requests"),
            figures=heard,
        ),
    ]
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("How we're doing"),
        "opts": ConsultationRequest._meta,
        "period_start": period.start,
        "total": total,
        "median": business_duration(median),
        "kept": kept,
        "due": due,
        "kept_share": share(kept, due),
        "charts": charts,
    }
    return TemplateResponse(request, "admin/consultations/how_we_are_doing.html", context)
