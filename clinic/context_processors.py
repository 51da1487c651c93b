from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.urls import reverse, translate_url
from django.utils.translation import get_language, override


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

    A page that is not found has no other versions: the switcher then leads to the home page in
    each language. A view can narrow `language_links` (a question without Spanish text has no
    Spanish page).
    """
    current = get_language()
    origin = site_origin(request)
    found = getattr(request, "resolver_match", None) is not None
    links = []
    for code, name in settings.LANGUAGES:
        if found:
            url = translate_url(request.path, code)
        else:
            with override(code):
                url = reverse("home")
        links.append(
            {
                "code": code,
                "name": name,
                "url": url,
                "href": origin + url,
                "current": code == current,
                "alternate": found,
            }
        )
    return {"language_links": links, "LANGUAGE_CODE": current}
