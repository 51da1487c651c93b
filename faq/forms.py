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
