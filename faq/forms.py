from django import forms


class SearchForm(forms.Form):
    q = forms.CharField(label="Search the questions", max_length=200, required=False, strip=True)
