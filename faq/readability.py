"""How hard an answer is to read, with a formula made for its language.

English: the Flesch-Kincaid grade level; health-literacy guidance asks for patient information
at grade 8 or below. Spanish: the Fernández Huerta reading ease, a score from 0 (very hard) to
100 (very easy) where higher is easier, not a school grade: 60 to 70 is "normal" text, about
what grade 8 is in English, so the target is 60 or above. textstat 0.7.8 is pinned: it ships its
syllable data, where later versions download a dictionary at first use.
"""

import html
from functools import lru_cache

import textstat
from django.utils.html import strip_tags
from textstat.textstat import textstatistics

from .markdown import render_markdown

TARGET_GRADE = 8
SPANISH_TARGET_EASE = 60

# Its own instance, so Spanish syllable counting never changes the shared English one.
_spanish = textstatistics()
_spanish.set_lang("es")


def plain_text(markdown_text):
    """The words a reader sees: the Markdown rendered, the tags and entities removed."""
    return html.unescape(strip_tags(render_markdown(markdown_text or "")))


# Both scores depend on the text alone, and the admin's question list shows them for every row
# on every view: each text is scored once per process (a few hundred answers, a few MB at most).
@lru_cache(maxsize=2048)
def reading_grade(markdown_text):
    """The Flesch-Kincaid grade of the text as shown, to one decimal; None when there is none."""
    text = plain_text(markdown_text).strip()
    if not text:
        return None
    return round(textstat.flesch_kincaid_grade(text), 1)


@lru_cache(maxsize=2048)
def spanish_reading_ease(markdown_text):
    """The Fernández Huerta ease of a Spanish text as shown, to one decimal; None when empty."""
    text = plain_text(markdown_text).strip()
    if not text:
        return None
    return round(_spanish.fernandez_huerta(text), 1)
