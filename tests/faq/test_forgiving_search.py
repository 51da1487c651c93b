import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from faq.models import Category, Question, SearchWord, Synonym
from faq.search import refresh_search_words, with_synonyms

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"


@pytest.fixture
def answers(db):
    """Questions in the words of the clinic's own answers."""
    Question.objects.all().delete()
    about = Category.objects.create(name="About", slug="about", position=1)
    money = Category.objects.create(name="Money", slug="money", position=2)
    make = Question.objects.create
    return {
        "ketamine": make(
            category=about,
            slug="what-is-ketamine",
            question="What is ketamine?",
            answer="Ketamine is a medicine; esketamine is a related medicine.",
        ),
        "psychedelic": make(
            category=about,
            slug="is-it-psychedelic",
            question="Is it a psychedelic?",
            answer="Not strictly: it is a dissociative.",
            position=2,
        ),
        "insurance": make(
            category=money,
            slug="insurance",
            question="Does insurance pay?",
            answer="Some plans pay for the therapy sessions.",
        ),
        "cost": make(
            category=money,
            slug="cost",
            question="What does treatment cost?",
            answer="It depends on the number of sessions.",
            position=2,
        ),
    }


def found(client, terms):
    page = client.get("/faq/", {"q": terms}).content.decode()
    return {
        slug
        for slug in ("what-is-ketamine", "is-it-psychedelic", "insurance", "cost")
        if f'id="{slug}"' in page
    }, page


@pytest.mark.parametrize(
    ("typed", "meant", "slug"),
    [
        ("ketmine", "ketamine", "what-is-ketamine"),
        # The English stemmer already takes "insurence" for "insurance": no suggestion needed.
        ("insurence", None, "insurance"),
        ("psychedelc", "psychedelic", "is-it-psychedelic"),
        ("Does insurence pay", None, "insurance"),
        ("What is ketmine", "what is ketamine", "what-is-ketamine"),
    ],
)
def test_typos_find_the_right_answer_on_postgresql(client, answers, typed, meant, slug):
    """PostgreSQL suggests the closest words of the answers; SQLite matches words as typed."""
    slugs, page = found(client, typed)
    if ON_POSTGRESQL:
        assert slug in slugs
        if meant:
            assert (
                f'Did you mean <a href="/faq/?q={meant.replace(" ", "%20")}">{meant}</a>?' in page
            )
    else:
        assert "Did you mean" not in page


def test_no_suggestion_when_the_words_are_right(client, answers):
    slugs, page = found(client, "ketamine")
    assert "what-is-ketamine" in slugs and "Did you mean" not in page


def test_nothing_close_enough_finds_nothing(client, answers):
    slugs, page = found(client, "zzqxj")
    assert slugs == set() and "We couldn't find an answer" in page


@pytest.mark.parametrize(
    ("typed", "slug"),
    [("price", "cost"), ("fees", "cost"), ("Spravato", "what-is-ketamine"), ("KAP", None)],
)
def test_starter_synonyms_apply_on_every_database(client, answers, typed, slug):
    slugs, _page = found(client, typed)
    if slug:
        assert slug in slugs


def test_an_editors_synonym_applies_at_once(client, answers):
    assert found(client, "coverage")[0] == set()
    Synonym.objects.create(term="coverage", replacement="insurance")
    assert found(client, "coverage")[0] == {"insurance"}


def test_synonyms_replace_whole_words_and_phrases_ignoring_case():
    pairs = [("how much", "cost"), ("kap", "ketamine-assisted psychotherapy")]
    assert with_synonyms("How much is KAP?", pairs) == "cost is ketamine-assisted psychotherapy?"
    assert with_synonyms("kapok", pairs) is None


def test_the_words_table_holds_only_words_of_published_questions(answers):
    words = set(SearchWord.objects.values_list("word", flat=True))
    assert {"ketamine", "esketamine", "psychedelic", "insurance", "dissociative"} <= words
    answers["psychedelic"].is_published = False
    answers["psychedelic"].save()
    words = set(SearchWord.objects.values_list("word", flat=True))
    assert "psychedelic" not in words and "dissociative" not in words
    answers["insurance"].delete()
    assert "insurance" not in set(SearchWord.objects.values_list("word", flat=True))


def test_refreshing_twice_changes_nothing(answers):
    refresh_search_words()
    before = sorted(SearchWord.objects.values_list("word", flat=True))
    refresh_search_words()
    assert sorted(SearchWord.objects.values_list("word", flat=True)) == before


def test_a_misspelt_search_costs_a_constant_number_of_queries(
    client, answers, category, make_question
):
    """The suggestion is one query, however many questions there are."""
    client.get("/faq/", {"q": "warmup"})
    with CaptureQueriesContext(connection) as few:
        client.get("/faq/", {"q": "ketmine insurence"})
    for _ in range(30):
        make_question()
    client.get("/faq/", {"q": "warmup"})
    with CaptureQueriesContext(connection) as many:
        client.get("/faq/", {"q": "ketmine insurence"})
    assert len(many) == len(few)


def test_words_search_ignores_are_never_corrected(client, answers):
    """ "does" is not turned into "dose": the misspelt word alone is corrected."""
    Question.objects.create(
        category=answers["cost"].category,
        slug="dose",
        question="What dose is used?",
        answer="A low dose.",
        position=3,
    )
    slugs, page = found(client, "what does treatmnt cost")
    if ON_POSTGRESQL:
        assert "cost" in slugs
        assert "Did you mean" in page and "what does treatment cost</a>" in page
    else:
        assert slugs == set()
