"""The patient's form page as every visitor first sees it, kept once rendered in this process.

Rendering the page (base.html, the form's fields, a radio button per free call time) costs many
times what the rest of the request does, and the page a visitor first sees, or gets back after
sending the form empty, is the same for everyone who sees the same free times in the same
language on the same address: everything but their CSRF token (and CSP nonce, should a template
show one). So it is rendered once with placeholders in their place and kept, and every visitor
gets a copy with their own token and nonce put in (the token still comes from `get_token`, so
the CSRF cookie is set as usual; the view stays never_cache).

The view decides what may be kept and under which key (consultations.views): never a page
showing anything a visitor typed or chose, nor one with a message for them.
"""

import secrets
import threading
from collections import OrderedDict

from django.core.signals import setting_changed
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.csp import CONTEXT_KEY as CSP_NONCE_KEY

# A few languages times the free times of the last minutes, times the empty and the sent-empty
# form: enough for a process; the oldest used goes first.
KEPT_PAGES_MAX = 32

# Per process and unguessable, so nothing in a page can be mistaken for them.
CSRF_TOKEN_PLACEHOLDER = f"csrf-token-{secrets.token_hex(16)}"
CSP_NONCE_PLACEHOLDER = f"csp-nonce-{secrets.token_hex(16)}"


class KeptPages:
    """Rendered pages by key, the least recently used dropped beyond ``size``."""

    def __init__(self, size=KEPT_PAGES_MAX):
        self.size = size
        self._pages = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            html = self._pages.get(key)
            if html is not None:
                self._pages.move_to_end(key)
            return html

    def keep(self, key, html):
        with self._lock:
            self._pages[key] = html
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def clear(self):
        with self._lock:
            self._pages.clear()

    def __len__(self):
        return len(self._pages)


kept_pages = KeptPages()


def forget_kept_pages(**kwargs):
    """A changed setting (the clinic's phone, the languages: in tests) may change the page."""
    kept_pages.clear()


setting_changed.connect(forget_kept_pages)


def render_kept(key, template_name, get_context, request):
    """The page for ``key`` with this request's CSRF token and CSP nonce in it. The first time,
    it is rendered from ``get_context()`` with placeholders for them."""
    html = kept_pages.get(key)
    if html is None:
        placeholders = {"csrf_token": CSRF_TOKEN_PLACEHOLDER, CSP_NONCE_KEY: CSP_NONCE_PLACEHOLDER}
        html = render_to_string(template_name, {**get_context(), **placeholders}, request=request)
        kept_pages.keep(key, html)
    html = html.replace(CSRF_TOKEN_PLACEHOLDER, get_token(request))
    if CSP_NONCE_PLACEHOLDER in html:
        html = html.replace(CSP_NONCE_PLACEHOLDER, str(get_nonce(request)))
    return html
