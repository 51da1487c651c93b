from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView, TemplateView

from . import views
from .sitemaps import SITEMAPS


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's): point them to it."""

    def get_redirect_url(self, *args, **kwargs):
        return static("img/favicon.svg")


urlpatterns = [
    path("healthz/", views.healthz, name="healthz"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path(settings.ADMIN_URL, admin.site.urls),
]

# The patients' pages: English at these addresses, every other enabled language under its
# prefix (/es/faq/). Staff pages, the sitemap and the health check stay outside, in English.
urlpatterns += i18n_patterns(
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path(
        "privacy/",
        TemplateView.as_view(
            template_name="privacy.html",
            extra_context={
                "feedback_days": settings.FAQ_FEEDBACK_RETENTION_DAYS,
                "search_days": settings.FAQ_MISSED_SEARCH_RETENTION_DAYS,
            },
        ),
        name="privacy",
    ),
    path("faq/", include("faq.urls")),
    path("consultation/", include("consultations.urls")),
    prefix_default_language=False,
)

handler400 = "clinic.views.bad_request"
handler403 = "clinic.views.permission_denied"
handler500 = "clinic.views.server_error"
