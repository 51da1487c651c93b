"""A small starter set of Spanish search synonyms, each leading to words the Spanish answers use,
and the Spanish words of the published questions for spelling suggestions."""

import re

from django.db import migrations
from django.utils.html import strip_tags

SYNONYMS = [
    ("spravato", "esketamina"),
    ("kap", "psicoterapia asistida con ketamina"),
    ("pinchazo", "inyección"),
    ("suero", "infusión"),
    ("terapia hablada", "terapia de conversación"),
    ("consejería", "terapia"),
    ("cita", "consulta"),
    ("ptsd", "tept"),
    ("estrés postraumático", "tept"),
    ("precio", "costo"),
]

WORD = re.compile(r"[^\W\d_]+")


def add_synonyms(apps, schema_editor):
    Synonym = apps.get_model("faq", "Synonym")
    for term, replacement in SYNONYMS:
        Synonym.objects.get_or_create(
            language="es", term=term, defaults={"replacement": replacement}
        )


def remove_synonyms(apps, schema_editor):
    Synonym = apps.get_model("faq", "Synonym")
    for term, replacement in SYNONYMS:
        Synonym.objects.filter(language="es", term=term, replacement=replacement).delete()


def fill_search_words(apps, schema_editor):
    Question = apps.get_model("faq", "Question")
    SearchWord = apps.get_model("faq", "SearchWord")
    words = set()
    for question, answer_html in Question.objects.filter(is_published=True).values_list(
        "question_es", "answer_html_es"
    ):
        for text in (question or "", strip_tags(answer_html or "")):
            words |= {word.lower() for word in WORD.findall(text) if 3 <= len(word) <= 60}
    SearchWord.objects.bulk_create(
        [SearchWord(language="es", word=word) for word in sorted(words)], ignore_conflicts=True
    )


def remove_search_words(apps, schema_editor):
    apps.get_model("faq", "SearchWord").objects.filter(language="es").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("faq", "0011_languages_for_reviews_and_search_words"),
    ]

    operations = [
        migrations.RunPython(add_synonyms, remove_synonyms),
        migrations.RunPython(fill_search_words, remove_search_words),
    ]
