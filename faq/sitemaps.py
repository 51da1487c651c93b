from django.contrib.sitemaps import Sitemap

from .models import Question


class QuestionSitemap(Sitemap):
    """Each visible question once per language it is written in, with hreflang alternates."""

    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return Question.objects.visible().order_by("pk")

    def get_languages_for_item(self, question):
        """Only the languages the question is written in: the others have no page of their own."""
        return [code for code in self._languages() if question.has_text_in(code)]

    def lastmod(self, question):
        return question.updated_at
