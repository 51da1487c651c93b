from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Question


class StaticPagesSitemap(Sitemap):
    def items(self):
        return ["home", "faq:list", "consultations:request", "privacy"]

    def location(self, item):
        return reverse(item)


class QuestionSitemap(Sitemap):
    def items(self):
        return Question.objects.visible().order_by("pk")

    def lastmod(self, question):
        return question.updated_at
