"""How hard an answer is to read, by the Flesch-Kincaid grade level.

Health-literacy guidance asks for patient information at grade 8 or below. textstat 0.7.8 is
pinned: it ships its syllable data, where later versions download a dictionary at first use.
"""

import html

import textstat
from django.utils.html import strip_tags

from .markdown import render_markdown

TARGET_GRADE = 8


def plain_text(markdown_text):
    """The words a reader sees: the Markdown rendered, the tags and entities removed."""
    return html.unescape(strip_tags(render_markdown(markdown_text)))


def reading_grade(markdown_text):
    """The Flesch-Kincaid grade of the text as shown, to one decimal; None when there is none."""
    text = plain_text(markdown_text).strip()
    if not text:
        return None
    return round(textstat.flesch_kincaid_grade(text), 1)
