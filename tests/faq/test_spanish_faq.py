"""The FAQ in Spanish: what is written in Spanish, the rest linked in English, search with or
without accents, caches that never serve one language's page to the other."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from faq.models import Question
from faq.views import forget_shared_pages, full_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def bilingual(category, make_question):
    category.name_es = "Para empezar"
    category.save()
    translated = make_question(
        slug="medication",
        question="How is the medication given?",
        answer="As a lozenge.",
        question_es="¿Cómo se da la medicación?",
        answer_es="En una cápsula de gelatina. Tiene un **efecto** suave.",
    )
    english_only = make_question(
        slug="parking", question="Where do I park?", answer="Behind the building."
    )
    return translated, english_only


def test_spanish_list_shows_spanish_questions_then_links_the_rest_in_english(client, bilingual):
    html = client.get("/es/faq/").content.decode()
    assert "<summary>¿Cómo se da la medicación?</summary>" in html
    assert '<h2 id="getting-started">Para empezar</h2>' in html
    assert "<strong>efecto</strong>" in html
    assert "How is the medication given?" not in html
    assert "Solo en inglés" in html
    assert '<a href="/faq/parking/" lang="en" hreflang="en">Where do I park?</a>' in html
    assert "<summary>Where do I park?</summary>" not in html


def test_english_list_is_unchanged_by_translations(client, bilingual):
    html = client.get("/faq/").content.decode()
    assert "<summary>How is the medication given?</summary>" in html
    assert "<summary>Where do I park?</summary>" in html
    assert "Only in English" not in html and "¿Cómo" not in html


def test_spanish_answer_page_is_in_spanish(client, bilingual):
    html = client.get("/es/faq/medication/").content.decode()
    assert "<h1>¿Cómo se da la medicación?</h1>" in html
    assert 'hreflang="en" href="http://testserver/faq/medication/"' in html


def test_question_page_in_english_offers_spanish_only_when_written(client, bilingual):
    assert 'hreflang="es"' in client.get("/faq/medication/").content.decode()
    parking = client.get("/faq/parking/").content.decode()
    assert 'hreflang="es"' not in parking
    assert 'lang="es" hreflang="es">Español</a>' not in parking


@pytest.mark.parametrize("terms", ["medicación", "medicacion", "MEDICACION", "capsula"])
def test_spanish_search_finds_spanish_answers_with_or_without_accents(client, bilingual, terms):
    html = client.get("/es/faq/", {"q": terms}).content.decode()
    assert "<summary>¿Cómo se da la medicación?</summary>" in html
    assert "Encontramos 1 pregunta." in html


def test_spanish_search_does_not_search_english_text(client, bilingual):
    html = client.get("/es/faq/", {"q": "building"}).content.decode()
    assert "No encontramos una respuesta para «building»" in html


def test_accented_search_term_finds_unaccented_text(bilingual):
    translated, _ = bilingual
    Question.objects.filter(pk=translated.pk).update(answer_es="Una gelatina de menta.")
    assert list(Question.objects.search("gelatína", "es")) == [translated]


def test_stemming_on_postgresql_and_words_elsewhere(bilingual):
    """PostgreSQL's Spanish stemming matches another form of the word; elsewhere words match
    as typed (inside longer words, too)."""
    translated, _ = bilingual
    found = list(Question.objects.search("efectos", "es"))
    if connection.vendor == "postgresql":
        assert found == [translated]
    else:
        assert found == []
        assert list(Question.objects.search("efect", "es")) == [translated]


def test_each_language_gets_its_own_cached_page(client, bilingual):
    """The shared page cache never hands the English page to a Spanish reader, or back."""
    for _ in range(2):
        english = client.get("/faq/").content.decode()
        spanish = client.get("/es/faq/").content.decode()
        assert '<html lang="en">' in english and "How is the medication given?" in english
        assert '<html lang="es">' in spanish and "¿Cómo se da la medicación?" in spanish


def test_rendered_list_fragment_is_kept_per_language(bilingual):
    """The list rendered for signed-in staff is cached per language too."""
    with translation.override("en"):
        english = full_list()["categories_html"]
    with translation.override("es"):
        spanish = full_list()["categories_html"]
    with translation.override("en"):
        assert full_list()["categories_html"] == english
    assert "How is the medication given?" in english and "Solo en inglés" not in english
    assert "¿Cómo se da la medicación?" in spanish and "Solo en inglés" in spanish


def test_saving_a_translation_renders_its_own_html(bilingual):
    translated, english_only = bilingual
    translated.refresh_from_db()
    assert translated.answer_html_en == "<p>As a lozenge.</p>"
    assert "<strong>efecto</strong>" in translated.answer_html_es
    english_only.answer_es = "Detrás del **edificio**."
    english_only.save(update_fields=["answer_es"])
    english_only.refresh_from_db()
    assert english_only.answer_html_es == "<p>Detrás del <strong>edificio</strong>.</p>"
    assert english_only.answer_html_en == "<p>Behind the building.</p>"


def test_spanish_list_costs_the_same_queries_as_the_english_one(client, bilingual):
    """Listing per language adds no query: translations are columns of the same rows. Both
    rendered from an empty cache."""
    counts = {}
    for path in ["/faq/", "/es/faq/"]:
        cache.clear()
        forget_shared_pages()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        counts[path] = len(queries)
    assert counts["/es/faq/"] == counts["/faq/"]


def test_spanish_list_weighs_within_ten_percent_of_the_english_one(client):
    """With the starter content, the Spanish page is no more than 10% heavier than the English."""
    english = len(client.get("/faq/", headers={"accept-encoding": "gzip"}).content)
    spanish = len(client.get("/es/faq/", headers={"accept-encoding": "gzip"}).content)
    assert spanish <= english * 1.10
    english_plain = len(client.get("/faq/").content)
    spanish_plain = len(client.get("/es/faq/").content)
    assert spanish_plain <= english_plain * 1.10


def test_a_language_without_its_own_search_configuration_matches_words(make_question):
    """Hmong has no stemming configuration: its words are matched as written, on both databases."""
    question = make_question(
        slug="hmong", question_hmn="Kuv yuav pib li cas?", answer_hmn="Hu rau peb."
    )
    make_question(slug="other", question_hmn="Lwm lo lus nug", answer_hmn="Tsis yog.")
    assert list(Question.objects.search("pib", "hmn")) == [question]
    assert list(Question.objects.search("pib", "es")) == []
