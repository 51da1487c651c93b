"""English at the addresses it always had, Spanish under /es/, each page saying which it is."""

import json
import re
import subprocess
import sys

import polib
import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language_info

from faq.models import Question

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/faq/",
    "/faq/is-ketamine-safe/",
    "/privacy/",
    "/consultation/",
    "/consultation/thanks/",
]


def alternates(html):
    return dict(re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">', html))


@pytest.mark.parametrize("path", PAGES)
def test_every_page_answers_in_english_and_spanish_with_lang_and_hreflang(client, path):
    """Each page in both languages: the right <html lang>, and hreflang links to both versions
    and to the English one as x-default."""
    expected = {
        "en": f"http://testserver{path}",
        "es": f"http://testserver/es{path}",
        "x-default": f"http://testserver{path}",
    }
    for prefix, language in [("", "en"), ("/es", "es")]:
        response = client.get(prefix + path)
        assert response.status_code == 200
        html = response.content.decode()
        assert f'<html lang="{language}">' in html
        assert alternates(html) == expected


def test_english_addresses_are_unchanged():
    """Links made before the Spanish site still lead to the same English pages."""
    assert [reverse(name) for name in ["home", "faq:list", "consultations:request", "privacy"]] == [
        "/",
        "/faq/",
        "/consultation/",
        "/privacy/",
    ]
    assert reverse("faq:detail", kwargs={"slug": "x"}) == "/faq/x/"
    assert reverse("consultations:thanks") == "/consultation/thanks/"
    with translation.override("es"):
        assert reverse("faq:list") == "/es/faq/"


def test_an_unprefixed_address_is_always_english(client):
    """A browser asking for Spanish, or holding Django's language cookie, still gets English at
    an unprefixed address: the address alone decides."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    response = client.get("/faq/", headers={"accept-language": "es-MX,es;q=0.9"})
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


@pytest.mark.parametrize("path", ["/faq/", "/es/faq/", "/", "/es/"])
def test_pages_do_not_vary_with_the_browser_language(client, path):
    """One cached copy per address: the language never comes from Accept-Language."""
    response = client.get(path, headers={"accept-language": "es"})
    assert "accept-language" not in response.get("Vary", "").lower()
    assert response.get("Content-Language") == ("es" if path.startswith("/es/") else "en")


def test_the_language_switch_is_a_plain_link_to_the_same_page(client):
    """The switcher is an ordinary link named in its own language: no form, no cookie."""
    english = client.get("/faq/is-ketamine-safe/")
    assert (
        '<a href="/es/faq/is-ketamine-safe/" lang="es" hreflang="es">Español</a>'
        in english.content.decode()
    )
    spanish = client.get("/es/faq/is-ketamine-safe/")
    html = spanish.content.decode()
    assert '<a href="/faq/is-ketamine-safe/" lang="en" hreflang="en">English</a>' in html
    assert "set_language" not in html and "i18n/setlang" not in html
    assert not english.cookies and not spanish.cookies


def test_json_ld_names_the_page_language(client):
    for prefix, language in [("", "en"), ("/es", "es")]:
        html = client.get(prefix + "/faq/").content.decode()
        data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html)[1])
        assert data["inLanguage"] == language
    spanish = client.get("/es/faq/is-ketamine-safe/").content.decode()
    assert "¿Es seguro?" in spanish


def test_sitemap_lists_every_page_in_each_language_it_exists_in(client, make_question):
    """Pages in both languages, with alternates; a question not written in Spanish only once."""
    untranslated = make_question(slug="only-english")
    xml = client.get("/sitemap.xml").content.decode()
    locations = re.findall(r"<loc>([^<]+)</loc>", xml)
    assert "http://testserver/faq/" in locations
    assert "http://testserver/es/faq/" in locations
    assert "http://testserver/es/faq/is-ketamine-safe/" in locations
    assert f"http://testserver{untranslated.get_absolute_url()}" in locations
    assert "http://testserver/es/faq/only-english/" not in locations
    assert 'hreflang="es" href="http://testserver/es/privacy/"' in xml
    assert 'hreflang="x-default" href="http://testserver/privacy/"' in xml


def test_spanish_404_page_is_in_spanish(client):
    """A missing page has no versions to point to: the switch leads to the other home page."""
    response = client.get("/es/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="es">' in html
    assert "No encontramos esa página" in html
    assert alternates(html) == {}
    assert '<a href="/" lang="en" hreflang="en">English</a>' in html
    english = client.get("/no-such-page/").content.decode()
    assert '<a href="/es/" lang="es" hreflang="es">Español</a>' in english


@pytest.fixture
def hmong_catalogue(tmp_path):
    """A tiny Hmong catalogue of test strings (never content), compiled as compilemessages would."""
    folder = tmp_path / "hmn" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    catalogue = polib.POFile()
    catalogue.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Language": "hmn",
        "Plural-Forms": "nplurals=1; plural=0;",
    }
    catalogue.append(polib.POEntry(msgid="Skip to main content", msgstr="[hmn] skip link"))
    catalogue.append(polib.POEntry(msgid="Questions and answers", msgstr="[hmn] questions"))
    catalogue.save(str(folder / "django.po"))
    catalogue.save_as_mofile(str(folder / "django.mo"))
    return tmp_path


def test_a_language_django_does_not_know_can_be_enabled(client, hmong_catalogue, make_question):
    """Hmong is not in Django's own language table; the project names it, and enabling it with
    a catalogue gives it its addresses, its lang attribute and its content."""
    assert get_language_info("hmn")["name_local"] == "Hmoob"
    make_question(slug="hmong-test", question_hmn="[hmn] a question", answer_hmn="[hmn] answer")
    languages = [*settings.LANGUAGES, ("hmn", "Hmoob")]
    with override_settings(LANGUAGES=languages, LOCALE_PATHS=[hmong_catalogue]):
        response = client.get("/hmn/faq/")
        html = response.content.decode()
        assert response.status_code == 200
        assert '<html lang="hmn">' in html
        assert "[hmn] skip link" in html and "<h1>[hmn] questions</h1>" in html
        assert "[hmn] a question" in html
        english = client.get("/faq/").content.decode()
        assert '<link rel="alternate" hreflang="hmn" href="http://testserver/hmn/faq/">' in english
        assert '<a href="/hmn/faq/" lang="hmn" hreflang="hmn">Hmoob</a>' in english
    assert client.get("/hmn/faq/").status_code == 404


def test_site_languages_must_be_prepared_languages():
    """A typo in SITE_LANGUAGES stops the site at start-up with a message saying what to do."""
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={"DJANGO_SETTINGS_MODULE": "clinic.settings", "DEBUG": "on", "SITE_LANGUAGES": "en,xx"},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "SITE_LANGUAGES must start with 'en'" in result.stderr


def test_english_only_questions_keep_working_without_spanish(client, make_question):
    """A question written only in English has no Spanish page: its Spanish address leads to it."""
    question = make_question(slug="english-only")
    response = client.get("/es/faq/english-only/")
    assert response.status_code == 302
    assert response["Location"] == "/faq/english-only/"
    assert Question.objects.get(pk=question.pk).question_es is None
