from .models import recent_version
from .views import finished_pages, is_shared_page, page_variant


class FinishedPageMiddleware:
    """Answer a repeat visit to a shared FAQ page with the copy this process keeps in memory.

    Placed after every other middleware in MIDDLEWARE but the outage handler, so all of them
    still run for it (the security and CSP headers, the request id, sessions and CSRF, which
    such a page does not touch); only URL resolution and the view are skipped. It answers only
    while the content version this process last read is recent and never asks the database:
    once a second a visit goes on to the view, which reads the version again (see
    faq.views.shared_page_cache).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        version = recent_version.peek()
        if (
            version is not None
            and finished_pages.has(version, request.path)
            and is_shared_page(request)
        ):
            response = finished_pages.response(version, request.path, page_variant(request))
            if response is not None:
                return response
        return self.get_response(request)
