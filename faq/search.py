"""Forgiving search: synonyms, spelling suggestions and the words they draw on.

Synonyms work on every database. Spelling suggestions need PostgreSQL's pg_trgm: each word of a
search is compared, by trigram similarity, with the words of the published questions in the
same language (SearchWord, kept current by refresh_search_words). Both are per language.
"""

import re

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils.html import strip_tags
from django.utils.translation import get_language

from .models import SEARCH_VECTORS, Language, Question, SearchWord, Synonym, localized

WORD = re.compile(r"[^\W\d_]+")
# Words shorter than this are left as typed: too short to correct safely.
SHORTEST_CORRECTED_WORD = 4
# The lowest trigram similarity (0 to 1) at which a known word is offered instead.
SIMILARITY_THRESHOLD = 0.3
# Each typed word with the closest known word of the same language; a word search ignores
# anyway ("does", "para") is kept as typed, and never offered. %(config)s is the language's text
# search configuration (SEARCH_VECTORS), never anything typed.
SUGGESTION_SQL = """
    SELECT typed.word, CASE WHEN to_tsvector('%(config)s', typed.word) = ''::tsvector
        THEN typed.word
        ELSE (
            SELECT known.word FROM faq_searchword AS known
            WHERE known.language = %%s AND similarity(known.word, typed.word) >= %%s
                AND to_tsvector('%(config)s', known.word) <> ''::tsvector
            ORDER BY similarity(known.word, typed.word) DESC, known.word
            LIMIT 1
        ) END
    FROM unnest(%%s::text[]) AS typed(word)
"""


def words_of(text):
    """The distinct words of a text, lowercased, as the words table keeps them."""
    return {word.lower() for word in WORD.findall(text) if 3 <= len(word) <= 60}


def refresh_search_words():
    """Make the words table hold exactly the words of the published questions, per language."""
    columns = [
        localized(field, code)
        for code, _name in settings.LANGUAGES
        for field in ("question", "answer_html")
    ]
    words = set()
    for row in Question.objects.published().values_list(*columns):
        for (code, _name), question, answer_html in zip(
            settings.LANGUAGES, row[::2], row[1::2], strict=True
        ):
            texts = words_of(question or "") | words_of(strip_tags(answer_html or ""))
            words |= {(code, word) for word in texts}
    with transaction.atomic():
        known = set(SearchWord.objects.values_list("language", "word"))
        for code, word in known - words:
            SearchWord.objects.filter(language=code, word=word).delete()
        SearchWord.objects.bulk_create(
            [SearchWord(language=code, word=word) for code, word in sorted(words - known)],
            ignore_conflicts=True,
        )


def refresh_search_words_after_change(**kwargs):
    """Called after a question is saved or deleted; skipped while fixtures load."""
    if not kwargs.get("raw"):
        refresh_search_words()


def synonyms(version, language=Language.ENGLISH):
    """(term, replacement) pairs of a language, longest term first, cached per content version."""
    key = f"faq:synonyms:{language}:{version}"
    pairs = cache.get(key)
    if pairs is None:
        pairs = sorted(
            Synonym.objects.filter(language=language).values_list("term", "replacement"),
            key=lambda pair: -len(pair[0]),
        )
        cache.set(key, pairs, timeout=24 * 60 * 60)
    return pairs


def with_synonyms(terms, pairs):
    """The search with every synonym's term replaced by its words, or None if none applies."""
    replaced = terms
    for term, replacement in pairs:
        pattern = re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", re.IGNORECASE)
        replaced = pattern.sub(lambda match, words=replacement: words, replaced)
    return replaced if replaced != terms else None


def spelling_suggestion(terms, language=None):
    """The search with misspelt words replaced by the closest words of the published questions
    in the same language.

    None when every word is known or nothing is close enough, and always on databases other
    than PostgreSQL. One query.
    """
    language = language or get_language()
    if connection.vendor != "postgresql":
        return None
    _column, config = SEARCH_VECTORS.get(language, (None, "simple"))
    typed = [word.lower() for word in WORD.findall(terms)]
    candidates = sorted({word for word in typed if len(word) >= SHORTEST_CORRECTED_WORD})
    if not candidates:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            SUGGESTION_SQL % {"config": config}, [language, SIMILARITY_THRESHOLD, candidates]
        )
        corrections = {word: known for word, known in cursor.fetchall() if known}
    if all(corrections.get(word, word) == word for word in typed):
        return None
    return " ".join(corrections.get(word, word) for word in typed)
