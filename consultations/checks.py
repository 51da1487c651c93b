from datetime import date

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.utils.module_loading import import_string
from django_tasks_db import DatabaseBackend


def tasks_run_from_the_database():
    """True when the default task backend is django_tasks_db's, or one made from it."""
    try:
        backend = import_string(settings.TASKS["default"]["BACKEND"])
    except Exception:  # noqa: BLE001  (any unusable setting is "not the database")
        return False
    return isinstance(backend, type) and issubclass(backend, DatabaseBackend)


@register(deploy=True)
def notification_settings(app_configs, **kwargs):
    """Staff learn about new requests only by email: say so when production cannot send it."""
    problems = []
    if not settings.CONSULTATION_NOTIFY_EMAILS:
        problems.append(
            Warning(
                "CONSULTATION_NOTIFY_EMAILS is empty: nobody is emailed about new requests.",
                hint="Set it to the intake staff's addresses, comma-separated.",
                id="consultations.W001",
            )
        )
    if not settings.EMAIL_URL:
        problems.append(
            Warning(
                "EMAIL_URL is not set: emails go to an SMTP server on localhost:25.",
                hint="Set EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587.",
                id="consultations.W002",
            )
        )
    if not settings.SITE_URL.startswith("https://"):
        problems.append(
            Warning(
                "SITE_URL does not start with https://; links in staff emails will be wrong.",
                hint="Set SITE_URL to the site's public address, e.g. https://clinic.example.org.",
                id="consultations.W003",
            )
        )
    if not tasks_run_from_the_database():
        problems.append(
            Warning(
                "Tasks do not use the database backend: staff emails are sent inside the "
                "patient's request and are not retried by a worker.",
                hint="Unset TASKS_BACKEND and run `python manage.py db_worker` beside the site.",
                id="consultations.W004",
            )
        )
    return problems


@register()
def business_day_settings(app_configs, **kwargs):
    """Opening hours that cannot be read, or a holiday name the calendar does not know, would
    silently change every deadline: say so at start-up."""
    import holidays

    from .business_days import parse_opening_hours

    problems = []
    try:
        parse_opening_hours(settings.CLINIC_OPENING_HOURS)
    except ValueError:
        problems.append(
            Error(
                f"CLINIC_OPENING_HOURS is {settings.CLINIC_OPENING_HOURS!r}, not a range of "
                "clinic-time hours.",
                hint='Write it as opening and closing time, e.g. "09:00-17:00".',
                id="consultations.E001",
            )
        )
    year = date.today().year
    calendar = holidays.country_holidays(
        "US", subdiv="MN", years=range(year - 1, year + 2), language="en_US"
    )
    known_names = {name.removesuffix(" (observed)") for name in calendar.values()}
    unknown = [name for name in settings.CLINIC_CLOSED_HOLIDAYS if name not in known_names]
    if unknown:
        problems.append(
            Warning(
                f"CLINIC_CLOSED_HOLIDAYS names holidays the calendar does not know: {unknown}.",
                hint="Use the names of US and Minnesota holidays in the `holidays` package, "
                'e.g. "Thanksgiving Day".',
                id="consultations.W005",
            )
        )
    return problems
