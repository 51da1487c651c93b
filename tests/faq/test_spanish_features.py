"""What the FAQ added after the first Spanish pages, in Spanish too: the review line per
language, Spanish reading ease, votes and notes, synonyms and spelling words per language."""

import importlib
import re

import pytest
from django.db import connection
from django.utils.html import strip_tags

from faq import services
from faq.models import Question, SearchWord, Synonym
from faq.readability import SPANISH_TARGET_EASE, spanish_reading_ease
from faq.search import refresh_search_words

pytestmark = pytest.mark.django_db

SPANISH = importlib.import_module("faq.migrations.0010_spanish_starter_content")
SPANISH_LINE = re.compile(r"Revisado médicamente por Dana Berg, MD el \d{1,2} de \w+ de \d{4}")
ENGLISH_LINE = re.compile(r"Medically reviewed by Dana Berg, MD on \w+ \d{1,2}, \d{4}")
SAME_ORIGIN = {"Origin": "http://testserver"}


def text_of(client, path):
    return strip_tags(client.get(path).content.decode())


@pytest.fixture
def starter():
    return Question.objects.get(slug="is-ketamine-safe")


def test_a_spanish_answer_shows_the_line_only_while_its_reviewed_wording_stands(
    client, reviewer, starter
):
    services.mark_reviewed(question=starter, reviewer=reviewer)
    spanish_page = client.get(f"/es/faq/{starter.slug}/").content.decode()
    assert SPANISH_LINE.search(strip_tags(spanish_page))
    assert '"@type": "MedicalWebPage"' in spanish_page
    assert '"inLanguage": "es"' in spanish_page

    starter.answer_es += "\n\nUna frase que nadie revisó."
    starter.save()
    spanish_page = client.get(f"/es/faq/{starter.slug}/").content.decode()
    assert not SPANISH_LINE.search(strip_tags(spanish_page))
    assert "MedicalWebPage" not in spanish_page
    # The English wording was not touched: its line stays.
    assert ENGLISH_LINE.search(text_of(client, f"/faq/{starter.slug}/"))


def test_a_translation_written_after_the_review_has_no_line_until_reviewed(
    client, reviewer, make_question
):
    question = make_question(answer="Reviewed in English.")
    services.mark_reviewed(question=question, reviewer=reviewer)
    question.question_es = "¿Una pregunta traducida después?"
    question.answer_es = "Traducida después de la revisión."
    question.save()
    assert not SPANISH_LINE.search(text_of(client, f"/es/faq/{question.slug}/"))
    assert ENGLISH_LINE.search(text_of(client, f"/faq/{question.slug}/"))
    services.mark_reviewed(question=Question.objects.get(pk=question.pk), reviewer=reviewer)
    assert SPANISH_LINE.search(text_of(client, f"/es/faq/{question.slug}/"))


def test_the_spanish_list_shows_the_line_under_reviewed_spanish_answers(client, reviewer, starter):
    services.mark_reviewed(question=starter, reviewer=reviewer)
    assert len(SPANISH_LINE.findall(text_of(client, "/es/faq/"))) == 1


def test_every_spanish_starter_answer_reads_easily_enough():
    """Fernández Huerta: 0 (very hard) to 100 (very easy); 60 or above is the target."""
    for question in Question.objects.filter(slug__in=SPANISH.QUESTIONS).published():
        assert question.has_text_in("es"), question.slug
        assert spanish_reading_ease(question.answer_es) >= SPANISH_TARGET_EASE, question.slug


def test_the_spanish_starter_answers_keep_the_facts_of_the_english_ones():
    text = " ".join(answer for _question, answer in SPANISH.QUESTIONS.values())
    for fact in [
        "cannabis",
        "anestesia",
        "esketamina (que se vende como Spravato)",
        "fuera\nde indicación",
        "disociativo",
        "trocisco",
        "músculo",
        "intravenosa",
        "psilocibina",
        "TEPT",
        "desestabilización",
        "988",
        "911",
        "(952) 260-3550",
    ]:
        assert fact in text, fact


def test_the_drafts_with_points_to_decide_have_no_spanish_text():
    drafts = Question.objects.with_points_to_decide()
    assert drafts.exists()
    for draft in drafts:
        assert not draft.is_published
        assert not draft.question_es and not draft.answer_es, draft.slug


def test_spanish_reading_ease_shows_in_the_admin(admin_client, starter):
    page = admin_client.get(f"/admin/faq/question/{starter.pk}/change/").content.decode()
    assert "Spanish: ease" in page and "Fernández Huerta" in page
    listing = admin_client.get("/admin/faq/question/").content.decode()
    assert "Spanish reading ease" in listing


@pytest.mark.parametrize("page", ["/es/faq/is-ketamine-safe/", "/es/faq/"])
def test_a_vote_from_a_spanish_page_goes_back_to_it_in_spanish(client, starter, page):
    data = {"helpful": "no", **({"from": "list"} if page == "/es/faq/" else {})}
    response = client.post(f"/es/faq/{starter.slug}/vote/", data, headers=SAME_ORIGIN)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{page}?voted={starter.slug}&answer=no")
    thanks = client.get(response["Location"]).content.decode()
    assert "Gracias por decírnoslo." in thanks
    assert "¿Qué esperaba encontrar?" in thanks
    assert 'lang="es"' in thanks


def test_a_note_with_a_mistake_comes_back_in_spanish(client, starter):
    response = client.post(
        f"/es/faq/{starter.slug}/feedback/", {"text": "x" * 301}, headers=SAME_ORIGIN
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Acorte el texto a 300 caracteres o menos (tiene 301)." in page
    assert "x" * 301 in page


def test_a_cross_site_vote_is_refused_in_spanish(client, starter):
    response = client.post(
        f"/es/faq/{starter.slug}/vote/", {"helpful": "yes"}, headers={"Origin": "https://x.test"}
    )
    assert response.status_code == 403
    assert "No pudimos contar su respuesta" in response.content.decode()


def test_related_questions_are_listed_in_spanish(client, starter):
    page = client.get(f"/es/faq/{starter.slug}/").content.decode()
    assert "Preguntas relacionadas" in page
    related = re.search(r'<nav class="related-questions".*?</nav>', page, re.S).group(0)
    assert "¿" in related  # the related questions in their Spanish wording
    assert 'href="/es/faq/' in related


def test_spanish_synonyms_apply_to_spanish_searches_only(client):
    assert Synonym.objects.filter(language="es", term="pinchazo").exists()
    spanish = client.get("/es/faq/", {"q": "pinchazo"}).content.decode()
    assert 'id="how-is-the-ketamine-given"' in spanish
    # The English synonym "shot" -> "injection" does not turn a Spanish search into English.
    english_synonym = client.get("/es/faq/", {"q": "shot"}).content.decode()
    assert 'id="how-is-the-ketamine-given"' not in english_synonym


def test_search_words_are_kept_per_language():
    refresh_search_words()
    assert SearchWord.objects.filter(language="es", word="desestabilización").exists()
    assert SearchWord.objects.filter(language="en", word="destabilization").exists()
    assert not SearchWord.objects.filter(language="en", word="desestabilización").exists()


def test_did_you_mean_in_spanish_offers_spanish_words(client):
    page = client.get("/es/faq/", {"q": "psicoterpia"}).content.decode()
    if connection.vendor == "postgresql":
        assert "¿Quiso decir" in page
        assert ">psicoterapia</a>?" in page
    else:
        assert "¿Quiso decir" not in page
    assert "Did you mean" not in page


def test_the_faq_cache_keeps_each_language_its_own_thank_you(client, starter):
    client.get("/faq/")
    client.get("/es/faq/")
    english = client.get("/faq/").content.decode()
    spanish = client.get("/es/faq/").content.decode()
    assert "Did this answer your question?" in english
    assert "¿Esto respondió a su pregunta?" in spanish
    assert "Did this answer your question?" not in spanish
