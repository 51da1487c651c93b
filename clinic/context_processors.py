from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.urls import translate_url
from django.utils.translation import get_language


def clinic(request):
    """Expose the clinic's facts (name, phone, address) to every template."""
    return {"clinic": settings.CLINIC}


def site_origin(request):
    """https://host of this request; SITE_URL when the host is not one the site serves (the
    page then is the 400 page, which still needs its links)."""
    try:
        return f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:
        return settings.SITE_URL


def languages(request):
    """The current page in every enabled language: hreflang alternates and the switcher.

    A view can narrow `language_links` (a question without Spanish text has no Spanish page).
    """
    current = get_language()
    origin = site_origin(request)
    links = []
    for code, name in settings.LANGUAGES:
        url = translate_url(request.path, code)
        current_page = code == current
        links.append(
            {"code": code, "name": name, "url": url, "href": origin + url, "current": current_page}
        )
    return {"language_links": links, "LANGUAGE_CODE": current}
