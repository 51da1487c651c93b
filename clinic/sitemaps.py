"""The site-wide sitemap: the fixed pages, and each app's own sitemaps."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from faq.sitemaps import QuestionSitemap


class StaticPagesSitemap(Sitemap):
    """Each fixed page once per enabled language, with hreflang alternates and an x-default."""

    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return ["home", "faq:list", "consultations:request", "privacy"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {"pages": StaticPagesSitemap, "questions": QuestionSitemap}
