"""Saved versions of a question, and a word-by-word comparison of two of them."""

import difflib
import re

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from reversion.models import Version

WORDS_AND_SPACES = re.compile(r"\s+|[^\s]+")


def question_versions(question):
    """Every saved version of the question, newest first, with who saved it."""
    return list(
        Version.objects.get_for_object(question)
        .select_related("revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def word_diff(old, new):
    """HTML of `new` against `old`: removed words in <del>, added ones in <ins>.

    Each change also says "removed:" or "added:" in hidden text, since screen readers do not
    announce <del> and <ins>. No inline style: the page's CSS shows them.
    """
    old_words = WORDS_AND_SPACES.findall(old)
    new_words = WORDS_AND_SPACES.findall(new)
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    parts = []
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        removed = "".join(old_words[old_start:old_end])
        added = "".join(new_words[new_start:new_end])
        if operation == "equal":
            parts.append(format_html("{}", removed))
            continue
        if removed:
            parts.append(
                format_html(
                    '<del><span class="visually-hidden">[removed: </span>{}'
                    '<span class="visually-hidden">]</span></del>',
                    removed,
                )
            )
        if added:
            parts.append(
                format_html(
                    '<ins><span class="visually-hidden">[added: </span>{}'
                    '<span class="visually-hidden">]</span></ins>',
                    added,
                )
            )
    return mark_safe("".join(parts))  # noqa: S308  (every part escaped by format_html)


def answer_diff(older, newer):
    """The question and the answer compared between two versions, as HTML."""
    old, new = older.field_dict, newer.field_dict
    return format_html_join(
        "",
        '<h3>{}</h3><div class="faq-diff">{}</div>',
        [
            ("Question", word_diff(old["question"], new["question"])),
            ("Answer", word_diff(old["answer"], new["answer"])),
        ],
    )
