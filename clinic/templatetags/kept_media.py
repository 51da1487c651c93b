"""Admin media tags made once per process.

``{% kept_media media %}`` is Django's ``{% csp_nonce_attr media %}`` (and
``{% kept_media media "js" %}`` its ``{% csp_nonce_attr media.js %}``): the media's tags with the
page's CSP nonce. Merging a page's media lists (the request page adds every call form's) and
finding each file's address cost more than the rest of a page's head; the same assets give the
same tags, so they are made once with a stand-in for the nonce and every page puts its own in.
"""

from django import template
from django.forms.widgets import Media
from django.utils import csp
from django.utils.safestring import mark_safe

register = template.Library()

# Stands in for the page's CSP nonce in media tags made once: letters and digits only, so
# escaping leaves it as it is.
NONCE_MARK = "nonce9f3c2a7e51d8"
KEPT_MEDIA_MAX = 64
kept_media_tags = {}


def media_key(media):
    """What a Media's tags are made of, or None if something in it cannot be compared safely."""
    try:
        key = (
            tuple(tuple(assets) for assets in media._js_lists),
            tuple(
                tuple(sorted((medium, tuple(assets)) for medium, assets in css.items()))
                for css in media._css_lists
            ),
        )
        hash(key)
    except TypeError:
        return None
    return key


@register.simple_tag(takes_context=True)
def kept_media(context, media, kind=None):
    """Django's ``{% csp_nonce_attr media %}`` (or ``media.js``, ``media.css`` for ``kind``
    "js" or "css"): the media's tags with this page's CSP nonce.

    The tags are made once per process for each set of assets, with a stand-in for the nonce;
    every page puts its own nonce in. Anything but a Media is left to Django's tag.
    """
    if not isinstance(media, Media) or (key := media_key(media)) is None:
        return csp.nonce_attr(context, media[kind] if kind and media else media)
    nonce = context.get(csp.CONTEXT_KEY)
    key = (key, kind, nonce is not None)
    tags = kept_media_tags.get(key)
    if tags is None:
        attrs = {"nonce": NONCE_MARK} if nonce is not None else None
        rendered = (
            getattr(media, f"render_{kind}")(attrs=attrs) if kind else [media.render(attrs=attrs)]
        )
        tags = "\n".join(rendered)
        if len(kept_media_tags) >= KEPT_MEDIA_MAX:
            kept_media_tags.clear()
        kept_media_tags[key] = tags
    if nonce is not None:
        tags = tags.replace(NONCE_MARK, str(nonce))
    return mark_safe(tags)  # noqa: S308 (Django's own tags, and a nonce of URL-safe characters)
