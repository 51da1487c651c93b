import pytest
from django.db.models import CheckConstraint, UniqueConstraint

from consultations.forms import ConsultationRequestForm, StaffRequestForm
from consultations.models import ConsultationRequest


def errors_for(data):
    form = ConsultationRequestForm(data=data)
    assert not form.is_valid()
    return form.errors


def test_complete_submission_is_valid(consultation_data):
    """Every field filled as a patient would: valid, phone in E.164, choices cleaned."""
    form = ConsultationRequestForm(data=consultation_data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "+16515550123"
    assert form.cleaned_data["voicemail_ok"] is False
    assert form.cleaned_data["best_times"] == ["morning", "evening"]


def test_only_required_fields_are_enough(consultation_data):
    """Email, note and how they heard about us may be left out."""
    for name in ("email", "note", "heard_about"):
        del consultation_data[name]
    form = ConsultationRequestForm(data=consultation_data)
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    "typed",
    [
        "(651) 555-0123",
        "651.555.0123",
        "+1 651 555 0123",
        "651-555-0123",
        "6515550123",
        "1 (651) 555-0123",
        "  651 555 0123  ",
        "+1 651-555-0123",
    ],
)
def test_phone_formats_people_type_are_stored_in_e164(consultation_data, typed):
    """The usual ways of writing a US number all clean to the same E.164 value."""
    consultation_data["phone"] = typed
    form = ConsultationRequestForm(data=consultation_data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "+16515550123"


def test_international_number_with_plus_is_accepted(consultation_data):
    """A patient with a foreign mobile number can still be called."""
    consultation_data["phone"] = "+44 20 7946 0958"
    form = ConsultationRequestForm(data=consultation_data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "+442079460958"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("555-0123", "with the area code"),
        ("123", "with the area code"),
        ("call me maybe", "with the area code"),
        ("(651) 555-01234567", "with the area code"),
        ("+1 000 000 0000", "with the area code"),
        ("1" * 41, "like (651) 555-0123"),
        ("651 555 0123 ext 12", "without an extension"),
        ("651\t555\x070123", "letters, spaces and punctuation"),
        ("", "Enter the phone number we should call"),
    ],
)
def test_phone_that_cannot_be_called_says_what_to_fix(consultation_data, typed, message):
    """Numbers we could not dial are refused with a plain message."""
    consultation_data["phone"] = typed
    assert message in " ".join(errors_for(consultation_data)["phone"])


@pytest.mark.parametrize(
    "name",
    [
        "Siobhán O'Connor-Ní Bhriain",
        "D’Angelo",  # typographic apostrophe
        "José Ñúñez",
        "Zoë",
        "e\u0301milie",  # e + combining acute accent, kept decomposed
        "محمد عبد الله",  # Arabic, right to left
        "דוד\u200fכהן",  # Hebrew with a right-to-left mark
        "李小龍",
        "山田 太郎",
        "Ngũgĩ wa Thiong'o",
        "Amy 🌻",
        "👩\u200d👩\u200d👧 Family",  # emoji joined with zero-width joiners
        "X Æ A-12",
        "A",
        "N" * 200,
    ],
)
def test_names_in_any_script_are_kept_exactly(consultation_data, name):
    """Names are stored exactly as typed: no normalisation, no stripped accents or marks."""
    consultation_data["name"] = name
    form = ConsultationRequestForm(data=consultation_data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == name


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Enter your name"),
        ("   ", "Enter your name"),
        ("N" * 201, "200 characters or fewer"),
        ("Ann\x00", "unusual invisible character"),
        ("Ann\x1b[31m", "letters, spaces and punctuation"),
        ("Ann\nSmith", "letters, spaces and punctuation"),
        ("\u200b\u200b", "using letters"),  # zero-width spaces only: blank in the admin
        ("---", "using letters"),
        ("\u202eevil\u202c", "text-direction characters"),  # displays reversed
        ("Ann \u2066Smith\u2069", "text-direction characters"),
        ("J\ufffd\ufffdrgen", "didn't come through"),  # undecodable bytes from the browser
    ],
)
def test_bad_names_are_refused_with_one_plain_message(consultation_data, name, message):
    """Empty, too long or control characters: one message that says what to do."""
    consultation_data["name"] = name
    errors = errors_for(consultation_data)["name"]
    assert len(errors) == 1
    assert message in errors[0]


def test_voicemail_has_no_default_and_must_be_answered(consultation_data):
    """Leaving a voicemail is never assumed: no answer is an error, and no option starts checked."""
    del consultation_data["voicemail_ok"]
    assert errors_for(consultation_data)["voicemail_ok"] == [
        "Tell us whether we may leave a voicemail: choose yes or no."
    ]
    assert "checked" not in str(ConsultationRequestForm()["voicemail_ok"])


@pytest.mark.parametrize(("answer", "stored"), [("yes", True), ("no", False)])
def test_voicemail_yes_and_no_are_both_kept(consultation_data, answer, stored):
    consultation_data["voicemail_ok"] = answer
    form = ConsultationRequestForm(data=consultation_data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["voicemail_ok"] is stored


@pytest.mark.parametrize(
    ("field", "forged"),
    [
        ("voicemail_ok", "maybe"),
        ("voicemail_ok", "True"),
        ("best_times", ["midnight"]),
        ("best_times", ["morning", "<script>"]),
        ("heard_about", "billboard"),
        ("heard_about", "search'; DROP TABLE x;--"),
    ],
)
def test_forged_choices_are_refused(consultation_data, field, forged):
    """Values outside the offered choices are errors, never stored."""
    consultation_data[field] = forged
    assert field in errors_for(consultation_data)


def test_at_least_one_best_time_is_needed(consultation_data):
    consultation_data["best_times"] = []
    assert errors_for(consultation_data)["best_times"] == [
        "Choose at least one time of day that suits you."
    ]


def test_best_times_are_stored_in_the_order_of_the_day(consultation_data):
    consultation_data["best_times"] = ["evening", "morning", "evening"]
    form = ConsultationRequestForm(data=consultation_data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["best_times"] == ["morning", "evening"]


def test_consent_is_required(consultation_data):
    del consultation_data["consent"]
    assert errors_for(consultation_data)["consent"] == [
        "Please confirm that you are 18 or older and agree to be called."
    ]


def test_note_limit_is_enforced_and_named(consultation_data):
    """A note longer than the limit shown is refused with the limit and its actual length."""
    consultation_data["note"] = "x" * 501
    assert errors_for(consultation_data)["note"] == [
        "Please shorten your note to 500 characters or fewer (it has 501)."
    ]
    consultation_data["note"] = "x" * 500
    assert ConsultationRequestForm(data=consultation_data).is_valid()


def test_note_keeps_line_breaks_and_unicode(consultation_data):
    note = "Best after 3pm.\r\nAsk for “Sam” — not my legal name 🙂"
    consultation_data["note"] = note
    form = ConsultationRequestForm(data=consultation_data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["note"] == note.replace("\r\n", "\n")


def test_note_line_breaks_count_once_as_the_browser_counts_them(consultation_data):
    """A browser allows 500 characters with LF breaks but sends CRLF; that still fits."""
    consultation_data["note"] = "\r\n".join(["x" * 99] * 5) + "x"  # 504 sent, 500 on the page
    form = ConsultationRequestForm(data=consultation_data)
    assert form.is_valid(), form.errors
    assert len(form.cleaned_data["note"]) == 500


def test_bad_email_says_it_may_be_left_empty(consultation_data):
    consultation_data["email"] = "jordan@"
    assert errors_for(consultation_data)["email"] == [
        "Enter an email address like name@example.com, or leave this empty."
    ]


def test_nothing_at_all_lists_every_required_field():
    """An empty post names each required field, and nothing optional."""
    assert set(errors_for({})) == {"name", "phone", "best_times", "voicemail_ok", "consent"}


def test_identical_submissions_share_a_fingerprint_and_different_ones_do_not(consultation_data):
    def fingerprint(data):
        form = ConsultationRequestForm(data=data)
        assert form.is_valid(), form.errors
        return form.fingerprint()

    first = fingerprint(consultation_data)
    # The same phone number typed another way is the same request.
    assert fingerprint({**consultation_data, "phone": "+1 651 555 0123"}) == first
    assert fingerprint({**consultation_data, "note": "Ask for Jo."}) != first
    assert len(first) == 64 and "Jordan" not in first


def test_form_offers_autocomplete_and_input_modes():
    """Phones fill name, number and email in one tap and show the right keyboard."""
    html = ConsultationRequestForm().as_div()
    assert 'autocomplete="name"' in html
    assert 'type="tel"' in html and 'autocomplete="tel"' in html and 'inputmode="tel"' in html
    assert 'type="email"' in html and 'autocomplete="email"' in html
    assert 'maxlength="500"' in html


def test_no_unique_field_or_constraint_concerns_what_the_forms_fill_in():
    """The request forms skip ModelForm's unique and constraint checks (see their clean()): a
    unique field or constraint on what they fill in would need them back."""
    meta = ConsultationRequest._meta
    filled = {*ConsultationRequestForm._meta.fields, *StaffRequestForm._meta.fields}
    checked = {field.name for field in meta.fields if field.unique and not field.primary_key}
    checked.update(name for names in meta.unique_together for name in names)
    for constraint in meta.constraints:
        assert isinstance(constraint, (CheckConstraint, UniqueConstraint))
        if isinstance(constraint, CheckConstraint):
            checked.update(constraint.condition.referenced_base_fields)
        else:
            checked.update(constraint.fields)
            assert not constraint.expressions and constraint.condition is None
    assert checked == {"status", "close_reason"}
    assert not checked & filled
