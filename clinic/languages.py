"""The languages the site is prepared for, and what Django needs to know of those it does not ship.

Enabling one is a setting (SITE_LANGUAGES); each needs its translated interface (locale/) and
its content written in the admin before it is enabled. See docs/operations.md, "Adding a language".
"""

from django.conf.locale import LANG_INFO
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

# Languages whose content columns exist (django-modeltranslation adds one column per language),
# each named in its own language: the switcher shows these names.
PREPARED_LANGUAGES = {
    "en": "English",
    "es": "Español",
    "hmn": "Hmoob",
    "so": "Soomaali",
}

# Django's own table (django.conf.locale.LANG_INFO) has neither Hmong nor Somali.
EXTRA_LANG_INFO = {
    "hmn": {"bidi": False, "code": "hmn", "name": "Hmong", "name_local": "Hmoob"},
    "so": {"bidi": False, "code": "so", "name": "Somali", "name_local": "Soomaali"},
}


def register_extra_languages():
    """Make Django's language functions (get_language_info, bidi) know the extra languages."""
    for code, info in EXTRA_LANG_INFO.items():
        LANG_INFO.setdefault(code, info)


def field_label(verbose_name, code):
    """How the admin labels a field's column for one language: "question (Spanish)"."""
    info = EXTRA_LANG_INFO.get(code) or LANG_INFO.get(code, {"name": code})
    return format_lazy("{} ({})", verbose_name, gettext_lazy(info["name"]))
