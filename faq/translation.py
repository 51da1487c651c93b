"""FAQ content per language (django-modeltranslation): one column per language for each field
below, one slug for all languages. English is the fallback wherever a translation is empty."""

from modeltranslation.translator import TranslationOptions, register

from .models import Category, Question


@register(Category)
class CategoryTranslationOptions(TranslationOptions):
    fields = ["name"]


@register(Question)
class QuestionTranslationOptions(TranslationOptions):
    fields = ["question", "answer", "answer_html"]
    # Only English is required; the other languages' fields may stay empty.
    required_languages = ["en"]
