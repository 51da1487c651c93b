"""Times as the clinic sees them: in its own time zone (``TIME_ZONE``), whatever zone is active."""

import datetime
import functools

from django.utils import dateformat, formats, timezone, translation

# Format characters whose text depends on the day alone, and on the hour and minute alone.
DAY_CHARACTERS = frozenset("bdDEFjlLmMnNoStwWyYz")
MINUTE_CHARACTERS = frozenset("aAfgGhHiP")


def in_clinic_time(moment):
    return timezone.localtime(moment, timezone.get_default_timezone())


def clinic_time(moment, format_name="DATETIME_FORMAT"):
    """A moment in words in the clinic's time zone, e.g. "Nov. 25, 2026, 9:14 a.m.".

    The same text as ``formats.date_format``. Its pieces (month names, "a.m.") are translated
    once per language, day and minute rather than for every moment shown: a list shows dozens.
    """
    if moment is None:
        return None
    local = in_clinic_time(moment)
    format_string = formats.get_format(format_name)
    pieces = format_pieces(format_string)
    if pieces is None:
        return dateformat.format(local, format_string)
    language = translation.get_language()
    day, minute = local.date(), datetime.time(local.hour, local.minute)
    return "".join(
        text if character is None else formatted_piece(language, character, day, minute)
        for character, text in pieces
    )


@functools.lru_cache(maxsize=16)
def format_pieces(format_string):
    """The format as (character, None) and (None, text) pieces, or None if a character in it
    depends on more than the day or the hour and minute (seconds, the time zone)."""
    pieces = []
    for index, piece in enumerate(dateformat.re_formatchars.split(format_string)):
        if index % 2:
            if piece not in DAY_CHARACTERS | MINUTE_CHARACTERS:
                return None
            pieces.append((piece, None))
        elif piece:
            pieces.append((None, dateformat.re_escaped.sub(r"\1", piece)))
    return tuple(pieces)


def formatted_piece(language, character, day, minute):
    if character in DAY_CHARACTERS:
        return day_piece(language, character, day)
    return minute_piece(language, character, minute)


@functools.lru_cache(maxsize=4096)
def day_piece(language, character, day):
    return str(getattr(dateformat.DateFormat(day), character)())


@functools.lru_cache(maxsize=4096)
def minute_piece(language, character, minute):
    return str(getattr(dateformat.TimeFormat(minute), character)())
