"""Signed links to change or cancel a booked call, and the calendar file sent with them.

A link holds the request number and the booking's version, nothing the patient typed; it stops
working once the booking changes (each change is made from a link once) and after the call time.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from .slots import slot_length

SALT = "consultations.call-link"


def make_token(consultation):
    return signing.dumps([consultation.pk, consultation.call_version], salt=SALT, compress=False)


def read_token(token):
    """(request number, version) from a token; raises signing.BadSignature when it is not one
    this site signed."""
    if len(token) > 200:
        raise signing.BadSignature("too long")
    value = signing.loads(token, salt=SALT)
    if not (isinstance(value, list) and len(value) == 2 and all(type(v) is int for v in value)):
        raise signing.BadSignature("malformed")
    return value[0], value[1]


def change_path(consultation):
    return reverse("consultations:call", kwargs={"token": make_token(consultation)})


def change_url(consultation):
    return settings.SITE_URL + change_path(consultation)


def _ics_time(moment):
    return moment.astimezone(timezone.UTC).strftime("%Y%m%dT%H%M%SZ")


def _ics_text(value):
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def calendar_file(consultation, *, now=None):
    """An RFC 5545 calendar with one event: the booked call. Only the time and the clinic's
    name and phone number, nothing the patient typed."""
    clinic = settings.CLINIC
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "clinic"
    summary = f"Call from {clinic['name']}"
    description = (
        f"We will call you at this time. To reach us, call {clinic['phone_display']}. "
        "In a crisis, call or text 988."
    )
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{_ics_text(clinic['name'])}//Call-back times//EN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:call-{consultation.pk}@{domain}",
        f"SEQUENCE:{consultation.call_version}",
        f"DTSTAMP:{_ics_time(now or timezone.now())}",
        f"DTSTART:{_ics_time(consultation.call_at)}",
        f"DTEND:{_ics_time(consultation.call_at + slot_length())}",
        f"SUMMARY:{_ics_text(summary)}",
        f"DESCRIPTION:{_ics_text(description)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def _fold(line, limit=73):
    """RFC 5545 lines are at most 75 octets; longer ones continue after CRLF and a space."""
    parts = []
    while len(line.encode()) > limit:
        cut = limit
        while len(line[:cut].encode()) > limit:
            cut -= 1
        parts.append(line[:cut])
        line = " " + line[cut:]
    parts.append(line)
    return "\r\n".join(parts)
