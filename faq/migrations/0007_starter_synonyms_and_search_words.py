"""Starter synonyms in the clinic's own words, and the words table for spelling suggestions.
(What content editors may do with them is in clinic/roles.py.)"""

import re

from django.db import migrations
from django.utils.html import strip_tags

SYNONYMS = [
    ("spravato", "esketamine"),
    ("kap", "ketamine-assisted psychotherapy"),
    ("kat", "ketamine-assisted psychotherapy"),
    ("map", "medication-assisted psychotherapy"),
    ("price", "cost"),
    ("prices", "cost"),
    ("fee", "cost"),
    ("fees", "cost"),
    ("how much", "cost"),
    ("talk therapy", "psychotherapy"),
    ("counseling", "therapy"),
    ("counselling", "therapy"),
    ("shot", "injection"),
    ("iv", "intravenous"),
    ("drip", "infusion"),
    ("special k", "ketamine"),
    ("post-traumatic stress", "ptsd"),
    ("appointment", "consultation"),
]

WORD = re.compile(r"[^\W\d_]+")


def add_synonyms(apps, schema_editor):
    Synonym = apps.get_model("faq", "Synonym")
    for term, replacement in SYNONYMS:
        Synonym.objects.get_or_create(
            language="en", term=term, defaults={"replacement": replacement}
        )


def remove_synonyms(apps, schema_editor):
    Synonym = apps.get_model("faq", "Synonym")
    for term, replacement in SYNONYMS:
        Synonym.objects.filter(language="en", term=term, replacement=replacement).delete()


def fill_search_words(apps, schema_editor):
    Question = apps.get_model("faq", "Question")
    SearchWord = apps.get_model("faq", "SearchWord")
    words = set()
    for question, answer_html in Question.objects.filter(is_published=True).values_list(
        "question", "answer_html"
    ):
        for text in (question, strip_tags(answer_html)):
            words |= {word.lower() for word in WORD.findall(text) if 3 <= len(word) <= 60}
    SearchWord.objects.bulk_create(
        [SearchWord(word=word) for word in sorted(words)], ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("faq", "0006_feedback_synonyms_and_search_words"),
    ]

    operations = [
        migrations.RunPython(add_synonyms, remove_synonyms),
        migrations.RunPython(fill_search_words, migrations.RunPython.noop),
    ]
