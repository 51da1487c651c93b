"""The consultation form in Spanish, and the language to call in and the interpreter: asked,
stored, shown to staff and filterable."""

import pytest

from consultations.models import ConsultationRequest

pytestmark = pytest.mark.django_db

LIST = "/admin/consultations/consultationrequest/"


def test_spanish_form_errors_are_in_spanish_and_keep_what_was_typed(client, consultation_data):
    data = {**consultation_data, "phone": "12", "consent": ""}
    response = client.post("/es/consultation/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Revise sus respuestas: Pídanos que le llamemos" in html
    assert "Revise 2 respuestas" in html
    assert "Escriba un número de teléfono al que podamos llamar" in html
    assert "Confirme que tiene 18 años o más" in html
    assert 'value="Jordan Rivera"' in html
    assert not ConsultationRequest.objects.exists()


def test_the_page_language_is_the_answer_already_chosen(client):
    english = client.get("/consultation/").content.decode()
    spanish = client.get("/es/consultation/").content.decode()
    assert 'name="call_language" value="en" id="id_call_language_0" checked' in english
    assert 'name="call_language" value="es" id="id_call_language_1" checked' in spanish
    assert "¿En qué idioma quiere que le llamemos?" in spanish
    assert "¿Quiere un intérprete?" in spanish


@pytest.mark.parametrize(("prefix", "language"), [("", "en"), ("/es", "es")])
def test_a_form_sent_without_a_language_takes_the_page_language(
    client, consultation_data, prefix, language
):
    response = client.post(f"{prefix}/consultation/", consultation_data)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{prefix}/consultation/thanks/?by=")
    request = ConsultationRequest.objects.get()
    assert (request.call_language, request.interpreter) == (language, False)


def test_language_and_interpreter_are_stored(client, consultation_data):
    data = {**consultation_data, "call_language": "so", "interpreter": "yes"}
    assert client.post("/es/consultation/", data).status_code == 302
    request = ConsultationRequest.objects.get()
    assert (request.call_language, request.call_language_other, request.interpreter) == (
        "so",
        "",
        True,
    )


def test_another_language_needs_its_name(client, consultation_data):
    data = {**consultation_data, "call_language": "other"}
    html = client.post("/es/consultation/", data).content.decode()
    assert "Díganos en qué idioma debemos llamarle." in html
    assert not ConsultationRequest.objects.exists()
    data["call_language_other"] = "Karen"
    assert client.post("/es/consultation/", data).status_code == 302
    request = ConsultationRequest.objects.get()
    assert (request.call_language, request.call_language_other) == ("other", "Karen")


def test_a_language_typed_then_one_chosen_from_the_list_keeps_the_list(client, consultation_data):
    data = {**consultation_data, "call_language": "hmn", "call_language_other": "Karen"}
    assert client.post("/consultation/", data).status_code == 302
    assert ConsultationRequest.objects.get().call_language_other == ""


def test_staff_see_the_language_and_can_filter_by_it(intake_client, make_consultation):
    make_consultation(name="Ana Spanish", call_language="es", interpreter=True)
    make_consultation(name="Bo English", call_language="en")
    make_consultation(name="Cy Other", call_language="other", call_language_other="Karen")
    html = intake_client.get(LIST).content.decode()
    assert html.count('class="field-number"') == 3
    assert "Spanish, with an interpreter" in html
    assert "Karen" in html
    spanish = intake_client.get(LIST, {"call_language__exact": "es"}).content.decode()
    assert spanish.count('class="field-number"') == 1
    interpreters = intake_client.get(LIST, {"interpreter__exact": "1"}).content.decode()
    assert interpreters.count('class="field-number"') == 1
    assert "Spanish, with an interpreter" in interpreters


def test_the_typed_language_is_removed_with_the_personal_data():
    assert ConsultationRequest.PERSONAL_DATA["call_language_other"] == ""


def test_staff_are_told_in_english_of_a_request_sent_in_spanish(
    client, consultation_data, mailoutbox, django_capture_on_commit_callbacks
):
    """The email task can run inside the patient's Spanish request; staff still read English."""
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/es/consultation/", consultation_data).status_code == 302
    request = ConsultationRequest.objects.get()
    assert [message.subject for message in mailoutbox] == [
        f"New consultation request #{request.pk}"
    ]
    assert "Open it in the admin" in mailoutbox[0].body
