"""The site in Spanish, in a real browser: a patient switches language on a phone, reads an
answer and asks for a call, by keyboard alone; every Spanish page passes axe (WCAG 2.2 A/AA)."""

import re

import pytest
from playwright.sync_api import expect

from consultations.models import ConsultationRequest
from faq.models import Category, Question

from .support import SIZES, assert_accessible, assert_fits_width

pytestmark = pytest.mark.browser


@pytest.fixture
def spanish_faq(transactional_db):
    """Two questions written in both languages and one only in English."""
    Question.objects.all().delete()
    Category.objects.all().delete()
    about = Category.objects.create(
        name="About the treatment", name_es="Sobre el tratamiento", slug="about", position=1
    )
    written = {
        "what": Question.objects.create(
            category=about,
            position=1,
            slug="what-is-it",
            question="What is medication-assisted psychotherapy?",
            answer="Talk therapy in which a carefully chosen medication is part of some sessions.",
            question_es="¿Qué es la psicoterapia asistida con medicamentos?",
            answer_es="Una terapia de conversación en la que un medicamento elegido con cuidado "
            "forma parte de algunas sesiones.",
        ),
        "given": Question.objects.create(
            category=about,
            position=2,
            slug="how-is-it-given",
            question="How is the ketamine given?",
            answer="As a **lozenge** under the tongue.",
            question_es="¿Cómo se da la ketamina?",
            answer_es="Como una **pastilla** que se deshace debajo de la lengua.",
        ),
        "parking": Question.objects.create(
            category=about,
            position=3,
            slug="parking",
            question="Where do I park?",
            answer="Behind the building.",
        ),
    }
    return written


def tab_to(page, selector, limit=60):
    """Press Tab until the element matching ``selector`` has focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{selector} never got focus in {limit} presses of Tab")


def check_page(page):
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert_accessible(page)
    assert_fits_width(page)


def test_patient_switches_to_spanish_reads_and_asks_for_a_call_by_keyboard(open_page, spanish_faq):
    page = open_page(**SIZES["phone"])
    page.goto("/")
    tab_to(page, 'a[hreflang="es"]')
    expect(page.locator(":focus")).to_have_text("Español")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/es/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Psicoterapia asistida con medicamentos"
    )
    check_page(page)

    tab_to(page, '.site-nav a[href="/es/faq/"]')
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/es/faq/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Preguntas y respuestas")
    expect(page.get_by_role("heading", name="Solo en inglés")).to_be_visible()
    expect(page.get_by_role("link", name="Where do I park?")).to_have_attribute(
        "href", "/faq/parking/"
    )
    tab_to(page, "#how-is-it-given > summary")
    page.keyboard.press("Enter")
    expect(page.locator("#how-is-it-given")).to_have_attribute("open", "")
    expect(page.locator("#how-is-it-given strong")).to_have_text("pastilla")
    check_page(page)

    search = page.get_by_role("searchbox", name="Buscar en las preguntas")
    tab_to(page, "#id_q")
    page.keyboard.type("medicamentos")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Encontramos 1 pregunta.")
    expect(search).to_have_value("medicamentos")
    check_page(page)

    tab_to(page, '.site-nav a[href="/es/consultation/"]')
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pídanos que le llamemos")
    expect(page.get_by_label("Español")).to_be_checked()
    check_page(page)

    # First with a mistake: a phone number without its area code, the rest left out.
    tab_to(page, "#id_name")
    page.keyboard.type("Lupe Hernández")
    page.keyboard.press("Tab")
    page.keyboard.type("555 0123")
    tab_to(page, "#id_best_times_0")
    page.keyboard.press("Space")
    tab_to(page, "button.button--primary[type=submit]")
    page.keyboard.press("Enter")
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("Revise 3 respuestas")
    expect(summary).to_contain_text("Escriba un número de teléfono al que podamos llamar")
    expect(page.get_by_label("Su nombre")).to_have_value("Lupe Hernández")
    check_page(page)

    # Then right: the summary's first link leads to the phone number.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Número de teléfono")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("(651) 555-0123")
    tab_to(page, "#id_voicemail_ok_0")
    page.keyboard.press("Space")
    tab_to(page, "#id_interpreter_1")
    page.keyboard.press("ArrowUp")
    expect(page.get_by_label("Sí, por favor")).to_be_checked()
    tab_to(page, "#id_consent")
    page.keyboard.press("Space")
    tab_to(page, "button.button--primary[type=submit]")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/es/consultation/thanks/\?by=[^&]+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Gracias. Le llamaremos.")
    check_page(page)
    request = ConsultationRequest.objects.get()
    assert (request.name, request.phone) == ("Lupe Hernández", "+16515550123")
    assert (request.call_language, request.interpreter) == ("es", True)


@pytest.mark.parametrize("size", SIZES)
def test_every_spanish_page_passes_axe(open_page, spanish_faq, page_problems, size):
    """The Spanish pages not on the journey above, and the 404 page."""
    page = open_page(**SIZES[size])
    page_problems.expect_status("/es/no-such-page/", 404)
    for path in [
        "/es/",
        "/es/faq/",
        "/es/faq/?q=nada-parecido",
        "/es/faq/how-is-it-given/",
        "/es/privacy/",
        "/es/consultation/",
        "/es/consultation/thanks/",
        "/es/no-such-page/",
    ]:
        page.goto(path)
        check_page(page)


def test_a_spanish_reader_votes_no_and_leaves_a_note_by_keyboard(open_page, spanish_faq):
    """The vote, the thank-you and the note box in Spanish, back on the Spanish page."""
    page = open_page(**SIZES["phone"])
    page.goto("/es/faq/how-is-it-given/")
    expect(page.get_by_role("heading", name="Preguntas relacionadas")).to_be_visible()
    tab_to(page, 'form.vote button[value="no"]')
    expect(page.locator(":focus")).to_have_text("No")
    page.keyboard.press("Enter")
    expect(page).to_have_url(
        re.compile(r"/es/faq/how-is-it-given/\?voted=how-is-it-given&answer=no#vote-thanks$")
    )
    thanks = page.locator("#vote-thanks")
    expect(thanks).to_be_focused()
    expect(thanks).to_contain_text("Gracias por decírnoslo.")
    check_page(page)

    tab_to(page, "#feedback-text")
    page.keyboard.type("Si puedo manejar después")
    tab_to(page, '.vote-feedback button[type="submit"]')
    expect(page.locator(":focus")).to_have_text("Enviar")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/es/faq/how-is-it-given/\?voted=.*answer=told"))
    expect(page.locator("#vote-thanks")).to_be_focused()
    expect(page.locator("#vote-thanks")).to_contain_text("Leemos estas notas")
    check_page(page)
    assert page.context.cookies() == []
