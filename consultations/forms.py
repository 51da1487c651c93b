import json
import unicodedata
from datetime import timedelta

import phonenumbers
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import capfirst, format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from clinic.form_fields import LightlyCopiedFields

from .models import CallAttempt, ConsultationRequest

NOTE_MAX_LENGTH = 500
NO_NUL = _("Please remove the unusual invisible character from this field.")


def reject_control_characters(value):
    """Control characters (tabs, bells, escapes...) have no place in a name or phone number.

    NUL is left to Django's own validator, so it is reported once.
    """
    if any(char != "\x00" and unicodedata.category(char) == "Cc" for char in value):
        raise ValidationError(
            _("Please use only letters, spaces and punctuation here."), code="control_characters"
        )


# Characters that reorder how text is displayed (RLO and friends): a name containing them can
# show as something else in the admin or a spreadsheet.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def validate_person_name(value):
    """A name must show at least one letter and nothing that reverses or hides text."""
    if any(char in BIDI_CONTROLS for char in value):
        raise ValidationError(
            _("Please remove the invisible text-direction characters from your name."),
            code="bidi_controls",
        )
    if "\ufffd" in value:
        raise ValidationError(
            _("Part of your name didn't come through. Please type it again."), code="replacement"
        )
    if not any(unicodedata.category(char).startswith("L") for char in value):
        raise ValidationError(
            _("Enter your name using letters, so we know who to ask for when we call."),
            code="no_letters",
        )


class PhoneNumberField(forms.CharField):
    """A phone number as people type it, cleaned to E.164 (+16515550123). US unless it says +."""

    default_error_messages = {
        "invalid": _("Enter a phone number we can call, with the area code, like (651) 555-0123."),
        "extension": _("Please give a number we can call directly, without an extension."),
    }

    def __init__(self, *, region="US", **kwargs):
        self.region = region
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        reject_control_characters(value)
        try:
            number = phonenumbers.parse(value, self.region)
        except phonenumbers.NumberParseException:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not phonenumbers.is_valid_number(number):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if number.extension:
            raise ValidationError(self.error_messages["extension"], code="extension")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class MultilineTextField(forms.CharField):
    """Text from a textarea, line breaks as LF before the length is checked.

    Browsers count a line break once against maxlength but send it as CRLF, so without this a
    note that fits on the page could be refused here.
    """

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n")


# What a patient tells us, in the order the form asks it.
PATIENT_FIELDS = [
    "name",
    "phone",
    "email",
    "best_times",
    "voicemail_ok",
    "call_language",
    "call_language_other",
    "interpreter",
    "note",
    "heard_about",
]


class ConsultationRequestForm(forms.ModelForm):
    """What a patient fills in to be called back."""

    VOICEMAIL_CHOICES = [
        ("yes", _("Yes, you may leave a voicemail")),
        ("no", _("No, please don't leave a voicemail")),
    ]

    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        help_text=_("The name you'd like us to use when we call."),
        validators=[reject_control_characters, validate_person_name],
        error_messages={
            "required": _("Enter your name, so we know who to ask for when we call."),
            "max_length": _("Please shorten your name to 200 characters or fewer."),
            "null_characters_not_allowed": NO_NUL,
        },
        widget=forms.TextInput(attrs={"autocomplete": "name", "autocapitalize": "words"}),
    )
    phone = PhoneNumberField(
        label=_("Phone number"),
        help_text=_("With the area code, for example (651) 555-0123."),
        error_messages={
            "required": _("Enter the phone number we should call, with the area code."),
            "max_length": _("Enter a phone number we can call, like (651) 555-0123."),
            "null_characters_not_allowed": NO_NUL,
        },
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        max_length=254,
        help_text=_("Only if you'd like us to be able to email you too."),
        error_messages={
            "invalid": _("Enter an email address like name@example.com, or leave this empty."),
            "max_length": _(
                "Enter an email address of 254 characters or fewer, or leave this empty."
            ),
            "null_characters_not_allowed": NO_NUL,
        },
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "inputmode": "email", "spellcheck": "false"}
        ),
    )
    best_times = forms.MultipleChoiceField(
        label=_("Best times to call you"),
        choices=ConsultationRequest.CallTime.choices,
        help_text=_("Choose all that suit you. Central time, Monday to Friday."),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one time of day that suits you."),
            "invalid_choice": _("Choose from the times listed."),
            "invalid_list": _("Choose from the times listed."),
        },
    )
    voicemail_ok = forms.TypedChoiceField(
        label=_("May we leave a voicemail at this number?"),
        choices=VOICEMAIL_CHOICES,
        coerce=lambda value: value == "yes",
        help_text=_("The message would only give our clinic's name and ask you to call back."),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Tell us whether we may leave a voicemail: choose yes or no."),
            "invalid_choice": _("Choose yes or no."),
        },
    )
    call_language = forms.ChoiceField(
        label=_("In what language should we call you?"),
        choices=ConsultationRequest.CallLanguage.choices,
        # Not sent at all (an older page, say): the language of the page.
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the languages listed.")},
    )
    call_language_other = forms.CharField(
        label=_("If another language, which one?"),
        required=False,
        max_length=100,
        validators=[reject_control_characters],
        error_messages={
            "max_length": _("Please shorten the language's name to 100 characters or fewer."),
            "null_characters_not_allowed": NO_NUL,
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    interpreter = forms.TypedChoiceField(
        label=_("Would you like an interpreter?"),
        choices=[("yes", _("Yes, please")), ("no", _("No, thank you"))],
        coerce=lambda value: value == "yes",
        required=False,
        empty_value=False,
        initial="no",
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose yes or no.")},
    )
    note = MultilineTextField(
        label=_("Anything that helps us call you (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text=format_lazy(
            _(
                "Up to {max_length} characters, for example “please ask for Sam” or “I’m free "
                "after 3 on Tuesdays”. Please don’t write about your health or history here: "
                "we’ll talk about that on the phone."
            ),
            max_length=NOTE_MAX_LENGTH,
        ),
        error_messages={
            # %(limit_value)d and %(show_value)d are filled in by Django's length check.
            "max_length": _(
                "Please shorten your note to %(limit_value)d characters or fewer "
                "(it has %(show_value)d)."
            ),
            "null_characters_not_allowed": NO_NUL,
        },
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    heard_about = forms.ChoiceField(
        label=_("How did you hear about us? (optional)"),
        required=False,
        choices=[("", _("Choose one, or leave this")), *ConsultationRequest.HeardAbout.choices],
        error_messages={"invalid_choice": _("Choose one of the options listed, or leave this.")},
    )
    consent = forms.BooleanField(
        label=_("I am 18 or older, and I agree to be called at this number."),
        error_messages={
            "required": _("Please confirm that you are 18 or older and agree to be called."),
        },
    )
    # A honeypot: hidden from people (see the template), filled by bots that fill everything.
    # Its name and attributes give browsers' autofill and password managers nothing to match.
    HONEYPOT = "leave_this_empty"
    leave_this_empty = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "tabindex": "-1",
                "data-lpignore": "true",
                "data-1p-ignore": "true",
                "data-bwignore": "true",
            }
        ),
    )

    field_order = [*PATIENT_FIELDS, "consent"]

    class Meta:
        model = ConsultationRequest
        fields = PATIENT_FIELDS

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # The page's language is the answer already chosen.
        self.fields["call_language"].initial = self.page_language()

    @staticmethod
    def page_language():
        language = get_language()
        known = ConsultationRequest.CallLanguage.values
        return language if language in known else ConsultationRequest.CallLanguage.ENGLISH

    def clean_call_language(self):
        return self.cleaned_data["call_language"] or self.page_language()

    def clean(self):
        # Not ModelForm.clean(), which turns on the model's unique and constraint checks after
        # the form's: no unique field or constraint of the request concerns what the patient
        # fills in (tests/consultations/test_form.py holds to that), so they cannot fail here.
        cleaned = self.cleaned_data
        language = cleaned.get("call_language")
        if language == ConsultationRequest.CallLanguage.OTHER:
            if not cleaned.get("call_language_other") and "call_language_other" not in self.errors:
                self.add_error(
                    "call_language_other",
                    ValidationError(
                        _("Tell us which language we should call you in."), code="required"
                    ),
                )
        elif language:
            # A language typed in and then another chosen from the list: the list wins.
            cleaned["call_language_other"] = ""
        return cleaned

    def patient_fields(self):
        """Every field but the honeypot, which the template renders out of sight."""
        return [field for field in self if field.name != self.HONEYPOT]

    def is_bot(self):
        """True when the honeypot field holds anything: a person never sees it."""
        return bool(self.data.get(self.add_prefix(self.HONEYPOT), "").strip())

    def honeypot_field(self):
        return self[self.HONEYPOT]

    def clean_best_times(self):
        # Keep the order the form shows them in, whatever order the browser sent.
        chosen = set(self.cleaned_data["best_times"])
        return [value for value, _label in ConsultationRequest.CallTime.choices if value in chosen]

    def fingerprint(self):
        """A keyed hash of what was submitted, equal for an identical resubmission."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        canonical = json.dumps(data, sort_keys=True, ensure_ascii=False)
        return salted_hmac(
            "consultations.submission", canonical, secret=settings.SECRET_KEY, algorithm="sha256"
        ).hexdigest()


# Made on every submission: its fields are copied for each form without a deep copy.
ConsultationRequestForm.base_fields = LightlyCopiedFields(ConsultationRequestForm.base_fields)


# --- staff's forms in the admin ---

# A call logged a few minutes "in the future" is a clock difference; more is a typo.
CALL_TIME_TOLERANCE = timedelta(minutes=10)


class FollowUpForm(forms.ModelForm):
    """Staff's part of a request on its admin page; the closing rules are the model's."""

    class Meta:
        model = ConsultationRequest
        fields = ["status", "close_reason", "assigned_to"]
        help_texts = {
            "status": _(
                "Closed and Not a fit end the follow-up and record the time; choosing an open "
                "status again reopens the request."
            ),
            "close_reason": _("Required when closing."),
            "assigned_to": _("Who calls this patient back."),
        }


class CallTimeInput(forms.DateTimeInput):
    """The browser's own date and time control: one field, a picker on phones and desktops, and
    the seconds kept, so a call's time saved unchanged reads as unchanged."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__({"step": "1", **(attrs or {})}, format="%Y-%m-%dT%H:%M:%S")


class CallAttemptForm(forms.ModelForm):
    class Meta:
        model = CallAttempt
        fields = ["called_at", "outcome", "notes"]
        # One date-and-time field instead of the admin's separate date and time: a request's
        # page shows a row for every call, and two inputs (and their hidden copies) per row were
        # a seventh of its cost (docs/benchmarks.md).
        field_classes = {"called_at": forms.DateTimeField}
        widgets = {
            "called_at": CallTimeInput(),
            "notes": forms.Textarea(attrs={"rows": 2, "cols": 40}),
        }
        help_texts = {
            "called_at": _(
                "In the clinic's time (US Central). Left as it is, a new call is logged at the "
                "moment you save."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The tabular inline shows labels only as column headings: name each input for screen
        # readers.
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", capfirst(field.label))

    def clean_called_at(self):
        called_at = self.cleaned_data["called_at"]
        if called_at and self.instance._state.adding and not self["called_at"]._has_changed():
            # The time the page was opened, left as it was: the call was made since, so it is
            # logged when it is saved.
            return timezone.now()
        if called_at and called_at > timezone.now() + CALL_TIME_TOLERANCE:
            raise ValidationError(
                _("A call cannot be logged in the future. Check the date and time."),
                code="future_call",
            )
        return called_at


class CloseRequestsForm(forms.Form):
    close_reason = forms.ChoiceField(
        label=_("Reason for closing"),
        choices=[("", "---------"), *ConsultationRequest.CloseReason.choices],
    )


class StaffRequestForm(ConsultationRequestForm):
    """A request staff take for someone who called, came in or was referred: the public form's
    checks, the source, and staff confirming the person agreed to be called."""

    SOURCE_CHOICES = [
        choice
        for choice in ConsultationRequest.Source.choices
        if choice[0] != ConsultationRequest.Source.WEB_FORM
    ]

    leave_this_empty = None
    source = forms.ChoiceField(
        label="How the request came in",
        choices=SOURCE_CHOICES,
        error_messages={"required": "Choose how the request came in."},
    )
    consent = forms.BooleanField(
        label="The person is 18 or older and agreed to be called at this number.",
        help_text="You are recorded as the staff member who confirmed this.",
        error_messages={
            "required": "Confirm that the person is 18 or older and agreed to be called.",
        },
    )

    field_order = ["source", *ConsultationRequestForm.field_order]

    class Meta(ConsultationRequestForm.Meta):
        fields = [*ConsultationRequestForm.Meta.fields, "source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = "Name"
        self.fields["name"].help_text = "The name the person would like us to use."
        self.fields["phone"].label = "Phone number to call"
        self.fields["email"].label = "Email (optional)"
        self.fields["best_times"].label = "Best times to call"
        self.fields["voicemail_ok"].label = "May we leave a voicemail at this number?"
        self.fields["note"].label = "Note (optional)"
        self.fields["heard_about"].label = "How they heard about us (optional)"
