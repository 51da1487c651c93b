"""Staff write each language's text in the admin: a field per enabled language, one slug."""

import pytest
from django.conf import settings
from django.test import override_settings

from faq.models import Question

pytestmark = pytest.mark.django_db


def labels(html):
    return [label for label in ("(English)", "(Spanish)", "(Hmong)", "(Somali)") if label in html]


def test_editor_writes_the_spanish_answer_beside_the_english(admin_client, category):
    response = admin_client.post(
        "/admin/faq/question/add/",
        {
            "category": category.pk,
            "question_en": "Where do I park?",
            "answer_en": "Behind the **building**.",
            "question_es": "¿Dónde me estaciono?",
            "answer_es": "Detrás del **edificio**.",
            "slug": "parking",
            "position": 1,
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    question = Question.objects.get(slug="parking")
    assert question.answer_html_es == "<p>Detrás del <strong>edificio</strong>.</p>"
    assert question.answer_html_en == "<p>Behind the <strong>building</strong>.</p>"


def test_only_enabled_languages_have_fields(admin_client):
    assert labels(admin_client.get("/admin/faq/question/add/").content.decode()) == [
        "(English)",
        "(Spanish)",
    ]
    with override_settings(LANGUAGES=[*settings.LANGUAGES, ("hmn", "Hmoob")]):
        html = admin_client.get("/admin/faq/question/add/").content.decode()
    assert labels(html) == ["(English)", "(Spanish)", "(Hmong)"]


def test_english_is_required_and_spanish_is_not(admin_client, category):
    response = admin_client.post(
        "/admin/faq/question/add/",
        {"category": category.pk, "question_es": "¿Sólo español?", "answer_es": "Sí.", "slug": "x"},
    )
    assert response.status_code == 200
    assert not Question.objects.filter(slug="x").exists()
    assert response.context["adminform"].form.errors.keys() >= {"question_en", "answer_en"}
