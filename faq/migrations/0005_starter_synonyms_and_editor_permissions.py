"""Starter synonyms in the clinic's own words, the words table, and what content editors may do
with votes, notes, failed searches and synonyms."""

import re

from django.contrib.auth.management import create_permissions
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

EDITORS = "Content editors"
EDITOR_GRANTS = [
    ("synonym", ["view", "add", "change", "delete"]),
    ("questionhelpfulness", ["view"]),
    ("feedback", ["view", "delete"]),
    ("missedsearch", ["view", "delete"]),
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


def grant_editors(apps, schema_editor):
    app_config = apps.get_app_config("faq")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    finally:
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS)
    for model, actions in EDITOR_GRANTS:
        codenames = [f"{action}_{model}" for action in actions]
        permissions = Permission.objects.filter(
            content_type__app_label="faq", content_type__model=model, codename__in=codenames
        )
        if permissions.count() != len(codenames):
            raise RuntimeError(f"Missing permissions for faq.{model}: {codenames}")
        group.permissions.add(*permissions)


def revoke_editors(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    models = [model for model, _ in EDITOR_GRANTS]
    permissions = Permission.objects.filter(
        content_type__app_label="faq", content_type__model__in=models
    )
    for group in Group.objects.filter(name=EDITORS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("faq", "0004_feedback_synonyms_and_search_words"),
    ]

    operations = [
        migrations.RunPython(add_synonyms, remove_synonyms),
        migrations.RunPython(fill_search_words, migrations.RunPython.noop),
        migrations.RunPython(grant_editors, revoke_editors),
    ]
