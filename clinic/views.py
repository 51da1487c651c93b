"""Site-wide views: the health check and the pages shown when something goes wrong."""

import logging
import sys

from django.conf import settings
from django.contrib import messages
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic.edit import FormMixin

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait before trying again while the database is away.
DATABASE_RETRY_AFTER = 30


@never_cache
@require_safe
def healthz(request):
    """Liveness and readiness in one: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def plain_error_page(status, heading):
    """A page that needs no template, no database and no static files; the last resort."""
    clinic = settings.CLINIC
    html = format_html(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{heading}</title>'
        "</head><body><main><h1>{heading}</h1><p>Please try again in a few minutes, or call us "
        'at <a href="tel:{phone}">{phone_display}</a>.</p><p><strong>If you are in crisis, '
        'call or text <a href="tel:988">988</a>, or call <a href="tel:911">911</a>.</strong>'
        "</p></main></body></html>",
        heading=heading,
        phone=clinic["phone"],
        phone_display=clinic["phone_display"],
    )
    return HttpResponse(html, status=status)


def form_page_again(request, message, level, status):
    """The form page that was just posted, filled in with what was posted, and a message.

    Used when the submission could not be handled (an expired form, the database away): nothing
    the visitor typed is lost. Returns None unless the posted address is a form view.
    """
    if request.method != "POST":
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    view_class = getattr(match.func, "view_class", None)
    if view_class is None or not issubclass(view_class, FormMixin):
        return None
    view = view_class(**match.func.view_initkwargs)
    view.setup(request, *match.args, **match.kwargs)
    view.object = None
    form_kwargs = view.get_form_kwargs()
    form_kwargs.pop("data", None)
    form_kwargs.pop("files", None)
    # An unbound form shows the posted values without validating them again (validation may
    # need the database).
    form = view.get_form_class()(**form_kwargs)
    for name, field in form.fields.items():
        widget = field.widget
        posted = widget.value_from_datadict(request.POST, request.FILES, form.add_prefix(name))
        if posted is not None:
            form.initial[name] = posted
    messages.add_message(request, level, message)
    response = view.render_to_response(view.get_context_data(form=form))
    response.status_code = status
    add_never_cache_headers(response)
    return response.render()


def database_unavailable(request):
    """What a visitor sees while the database is unreachable: HTTP 503, never a stack trace."""
    try:
        response = form_page_again(
            request,
            _(
                "We could not send your request just now: our system is briefly unavailable. "
                "Everything you typed is still below. Please try again in a few minutes, "
                "or call us at %(phone)s."
            )
            % {"phone": settings.CLINIC["phone_display"]},
            messages.ERROR,
            503,
        )
        if response is None:
            response = render(request, "503.html", status=503)
    except Exception:
        logger.exception("The page for an unavailable database could not be rendered")
        response = plain_error_page(503, "We are briefly unavailable")
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    add_never_cache_headers(response)
    return response


def csrf_failure(request, reason=""):
    """An expired or missing form token: show the form again with what was typed, or explain."""
    logger.warning("Form token rejected for %s %s: %s", request.method, request.path, reason)
    try:
        response = form_page_again(
            request,
            _(
                "Your form was open too long, so for your security it was not sent. "
                "Here it is again with what you typed: please check it and send it again."
            ),
            messages.WARNING,
            403,
        )
        if response is None:
            response = render(request, "403_csrf.html", status=403)
    except DatabaseError:
        response = database_unavailable(request)
    return response


def staff_locked_out(request, original_response=None, credentials=None):
    """The page django-axes shows a locked-out login (HTTP 429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"lockout_minutes": minutes}, status=429)


def bad_request(request, exception):
    return render_error_page(request, "400.html", 400)


def permission_denied(request, exception):
    return render_error_page(request, "403.html", 403)


def server_error(request):
    # Called while Django handles the exception, so the exception is still at hand.
    if isinstance(sys.exception(), OperationalError | InterfaceError):
        return database_unavailable(request)
    try:
        html = loader.render_to_string("500.html", {"clinic": settings.CLINIC})
    except Exception:
        logger.exception("The 500 page could not be rendered")
        return plain_error_page(500, "Something went wrong on our side")
    return HttpResponse(html, status=500)


def render_error_page(request, template_name, status):
    try:
        return render(request, template_name, status=status)
    except Exception:
        logger.exception("The %s page could not be rendered", status)
        return plain_error_page(status, "Something went wrong")
