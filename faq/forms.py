from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the questions"), max_length=200, required=False, strip=True)


class QuestionAdminForm(forms.ModelForm):
    """The editor's form: room to read a whole question and a long answer."""

    class Meta:
        # One question field and one answer box per language (django-modeltranslation).
        widgets = {
            **{
                f"question_{code}": forms.TextInput(
                    attrs={"size": 80, "class": "vTextField faq-question"}
                )
                for code in settings.MODELTRANSLATION_LANGUAGES
            },
            **{
                f"answer_{code}": forms.Textarea(
                    attrs={"rows": 18, "cols": 80, "class": "faq-answer-box"}
                )
                for code in settings.MODELTRANSLATION_LANGUAGES
            },
        }


class VoteForm(forms.Form):
    # A honeypot: hidden from people (see the template), filled by bots that fill everything.
    HONEYPOT = "leave_this_empty"

    helpful = forms.TypedChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))], coerce=lambda value: value == "yes"
    )
    leave_this_empty = forms.CharField(required=False)

    def is_bot(self):
        return bool(self.data.get(self.HONEYPOT, "").strip())


class FeedbackForm(forms.Form):
    HONEYPOT = VoteForm.HONEYPOT
    MAX_LENGTH = 300

    text = forms.CharField(
        label=_("What were you hoping to find?"),
        max_length=MAX_LENGTH,
        strip=True,
        error_messages={
            "required": _("Please write a few words, or leave this box and carry on reading."),
            "max_length": _(
                "Please shorten this to 300 characters or fewer (it has %(show_value)d)."
            ),
        },
    )
    leave_this_empty = forms.CharField(required=False)

    def is_bot(self):
        return bool(self.data.get(self.HONEYPOT, "").strip())
