from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Question


class TranslatedSitemap(Sitemap):
    """Each page once per enabled language, with hreflang alternates and an x-default."""

    i18n = True
    alternates = True
    x_default = True


class StaticPagesSitemap(TranslatedSitemap):
    def items(self):
        return ["home", "faq:list", "consultations:request", "privacy"]

    def location(self, item):
        return reverse(item)


class QuestionSitemap(TranslatedSitemap):
    def items(self):
        return Question.objects.published().order_by("pk")

    def get_languages_for_item(self, question):
        """Only the languages the question is written in: the others have no page of their own."""
        return [code for code in self._languages() if question.has_text_in(code)]

    def lastmod(self, question):
        return question.updated_at
