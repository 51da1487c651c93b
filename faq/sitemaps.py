from django.contrib.sitemaps import Sitemap

from .models import Question


class QuestionSitemap(Sitemap):
    def items(self):
        return Question.objects.visible().order_by("pk")

    def lastmod(self, question):
        return question.updated_at
