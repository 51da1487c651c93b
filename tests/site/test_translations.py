"""Every string of the interface is translated, and the compiled catalogues match the sources."""

import os
import shutil
import subprocess
import sys

import polib
import pytest
from django.conf import settings

from clinic.models import StaffProfile
from faq import services
from faq.models import Question

from .text_nodes import text_nodes

pytestmark = pytest.mark.django_db

LOCALE = settings.BASE_DIR / "locale"
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))
# As `make messages` runs it.
MAKEMESSAGES_OPTIONS = [
    "--no-obsolete",
    "--no-location",
    "--ignore=node_modules",
    "--ignore=.venv",
    "--ignore=bench",
    "--ignore=tests",
    "--ignore=staticfiles",
]
SAME_ORIGIN = {"Origin": "http://testserver"}
CROSS_SITE = {"Origin": "https://elsewhere.test"}
# Text that is the same in English and Spanish on purpose: names, numbers, symbols.
SAME_IN_BOTH = {
    settings.CLINIC["name"],
    settings.CLINIC["address"],
    settings.CLINIC["phone_display"],
    "988",
    "911",
    "☎",
    "·",
    "›",
    "Error:",
    # Language names: the switcher names each language in itself, the form in the page's.
    "English",
    "Español",
    "Hmong",
    "No",
    "Dana Berg, MD",
}


def test_there_is_a_spanish_catalogue():
    assert LOCALE / "es" / "LC_MESSAGES" / "django.po" in CATALOGUES


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.parent.parent.name)
def test_catalogue_has_no_untranslated_or_fuzzy_entry(path):
    """`make messages` adds new strings empty and marks changed ones fuzzy: each needs a
    translator before the suite passes."""
    catalogue = polib.pofile(str(path))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, f"untranslated in {path}: {untranslated}"
    assert not fuzzy, f"fuzzy in {path}: {fuzzy}"
    assert not catalogue.metadata_is_fuzzy
    assert catalogue.metadata.get("Plural-Forms")


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.parent.parent.name)
def test_compiled_catalogue_matches_its_source(path):
    """The .mo the site reads holds exactly the .po's translations (`make compilemessages`)."""
    source = polib.pofile(str(path))
    compiled_path = path.with_suffix(".mo")
    assert compiled_path.is_file(), f"{compiled_path} is missing: run make compilemessages"
    compiled = polib.mofile(str(compiled_path))

    def translations(entries):
        return {
            (entry.msgctxt, entry.msgid, entry.msgid_plural): (
                entry.msgstr,
                tuple(sorted((int(n), text) for n, text in entry.msgstr_plural.items())),
            )
            for entry in entries
            if entry.msgid
        }

    assert translations(compiled) == translations(source.translated_entries())


def spanish_pages(client, make_consultation):
    """Every public page and state, in Spanish, with its English counterpart."""
    pages = {
        "home": "/",
        "questions": "/faq/",
        "search with results": "/faq/?q=ketamina",
        "search without results": "/faq/?q=zzzzqqq",
        "a question": "/faq/is-ketamine-safe/",
        "privacy": "/privacy/",
        "form": "/consultation/",
        "thanks": "/consultation/thanks/",
        "not found": "/no-such-page/",
    }
    english_search = {"search with results": "/faq/?q=ketamine"}
    for name, path in pages.items():
        spanish = client.get("/es" + path).content.decode()
        english = client.get(english_search.get(name, path)).content.decode()
        yield name, spanish, english
    spanish_errors = client.post("/es/consultation/", {"note": "x"}).content.decode()
    english_errors = client.post("/consultation/", {"note": "x"}).content.decode()
    yield "form with errors", spanish_errors, english_errors
    slug = "is-ketamine-safe"
    for answer in ("yes", "no", "told"):
        for page in ("/faq/", f"/faq/{slug}/"):
            path = f"{page}?voted={slug}&answer={answer}"
            english = client.get(path).content.decode()
            yield (
                f"thank-you {answer} on {page}",
                client.get("/es" + path).content.decode(),
                english,
            )
    note = {"text": "x" * 301}
    yield (
        "note with a mistake",
        client.post(f"/es/faq/{slug}/feedback/", note, headers=SAME_ORIGIN).content.decode(),
        client.post(f"/faq/{slug}/feedback/", note, headers=SAME_ORIGIN).content.decode(),
    )
    vote = {"helpful": "yes"}
    yield (
        "vote refused",
        client.post(f"/es/faq/{slug}/vote/", vote, headers=CROSS_SITE).content.decode(),
        client.post(f"/faq/{slug}/vote/", vote, headers=CROSS_SITE).content.decode(),
    )


def test_no_spanish_page_shows_english_text(client, make_consultation, make_staff_user):
    """Walks every public page in Spanish: no text a reader sees or hears equals the English
    page's, except names and numbers that are the same in both languages. One answer is
    reviewed, so its "reviewed by" line is walked too."""
    reviewer = make_staff_user("dana", groups=["Clinical reviewers"])
    StaffProfile.objects.create(user=reviewer, public_name="Dana Berg", credentials="MD")
    services.mark_reviewed(
        question=Question.objects.get(slug="is-ketamine-safe"), reviewer=reviewer
    )
    leftovers = {}
    for name, spanish, english in spanish_pages(client, make_consultation):
        assert '<html lang="es">' in spanish, name
        same = set(text_nodes(spanish)) & set(text_nodes(english)) - SAME_IN_BOTH
        if same:
            leftovers[name] = sorted(same)
    assert leftovers == {}


def test_the_walk_would_notice_an_english_string(client):
    """The check above is not blind: an English sentence on a Spanish page is found."""
    spanish = client.get("/es/").content.decode()
    english = client.get("/").content.decode()
    planted = spanish.replace("</main>", "<p>Ask us to call you</p></main>")
    assert "Ask us to call you" in set(text_nodes(planted)) & set(text_nodes(english))


def test_catalogues_hold_every_string_in_the_code(tmp_path):
    """A string marked in the code but missing from the catalogue (`make messages` not run after
    a change) fails here, as `makemessages` itself would find it: in a copy of the project."""
    project = tmp_path / "project"
    for name in ["clinic", "faq", "consultations", "templates", "jinja2", "locale"]:
        shutil.copytree(settings.BASE_DIR / name, project / name)
    shutil.copy(settings.BASE_DIR / "manage.py", project)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--all", *MAKEMESSAGES_OPTIONS],
        cwd=project,
        env={**os.environ, "DEBUG": "on", "DJANGO_SETTINGS_MODULE": "clinic.settings"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for path in CATALOGUES:
        committed = polib.pofile(str(path))
        fresh = polib.pofile(str(project / path.relative_to(settings.BASE_DIR)))

        def ids(catalogue):
            return {(entry.msgctxt, entry.msgid, entry.msgid_plural) for entry in catalogue}

        assert ids(fresh) - ids(committed) == set(), f"run `make messages` and translate {path}"
        assert ids(committed) - ids(fresh) == set(), "run `make messages` to drop old strings"


def test_make_messages_uses_the_same_options_as_this_test():
    makefile = (settings.BASE_DIR / "Makefile").read_text()
    assert "makemessages --all " + " ".join(MAKEMESSAGES_OPTIONS) in makefile
