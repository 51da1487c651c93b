from django import forms


class SearchForm(forms.Form):
    q = forms.CharField(label="Search the questions", max_length=200, required=False, strip=True)


class QuestionAdminForm(forms.ModelForm):
    """The editor's form: room to read a whole question and a long answer."""

    class Meta:
        widgets = {
            "question": forms.TextInput(attrs={"size": 80, "class": "vTextField faq-question"}),
            "answer": forms.Textarea(attrs={"rows": 18, "cols": 80, "class": "faq-answer-box"}),
        }


class VoteForm(forms.Form):
    # A honeypot: hidden from people (see the template), filled by bots that fill everything.
    HONEYPOT = "leave_this_empty"

    helpful = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")], coerce=lambda value: value == "yes"
    )
    leave_this_empty = forms.CharField(required=False)

    def is_bot(self):
        return bool(self.data.get(self.HONEYPOT, "").strip())


class FeedbackForm(forms.Form):
    HONEYPOT = VoteForm.HONEYPOT
    MAX_LENGTH = 300

    text = forms.CharField(
        label="What were you hoping to find?",
        max_length=MAX_LENGTH,
        strip=True,
        error_messages={
            "required": "Please write a few words, or leave this box and carry on reading.",
            "max_length": "Please shorten this to 300 characters or fewer (it has %(show_value)d).",
        },
    )
    leave_this_empty = forms.CharField(required=False)

    def is_bot(self):
        return bool(self.data.get(self.HONEYPOT, "").strip())
