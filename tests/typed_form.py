"""A patient's distinctive consultation form, and a check that a page gives it all back."""

import re

TYPED = {
    "name": "Siobhán O'Connor-Nguyễn",
    "phone": "(651) 555-0142",
    "email": "siobhan.quillfeather@example.org",
    "best_times": ["midday", "evening"],
    "voicemail_ok": "no",
    "note": "Please ask for Shiv <b>not</b> Marmaduke",
    "heard_about": "friend",
    "consent": "on",
}

# Fragments of TYPED that must never appear in a log, in any format the site might write them.
# (Not the last four digits alone: process ids and ports in logs can contain them by chance.)
PERSONAL_FRAGMENTS = [
    "Siobhán",
    "Siobh",
    "Nguy",
    "siobhan.quillfeather",
    "quillfeather",
    "555-0142",
    "5550142",  # also inside the E.164 form +16515550142
    "Marmaduke",
    "Shiv",
]


def ticked(html, input_type, name, value):
    pattern = rf'<input type="{input_type}" name="{name}" value="{value}"[^>]*\bchecked'
    return re.search(pattern, html) is not None


def assert_form_holds(html):
    """Every value in TYPED is back in the form, escaped, with the right boxes ticked."""
    # The apostrophe escaped (Django's templates write &#x27;, Jinja2's &#39;: the same character).
    assert re.search(r'value="Siobhán O&#(x27|39);Connor-Nguyễn"', html)
    assert 'value="(651) 555-0142"' in html
    assert 'value="siobhan.quillfeather@example.org"' in html
    assert "Please ask for Shiv &lt;b&gt;not&lt;/b&gt; Marmaduke</textarea>" in html
    assert ticked(html, "checkbox", "best_times", "midday")
    assert ticked(html, "checkbox", "best_times", "evening")
    assert not ticked(html, "checkbox", "best_times", "morning")
    assert ticked(html, "radio", "voicemail_ok", "no")
    assert not ticked(html, "radio", "voicemail_ok", "yes")
    assert '<option value="friend" selected>' in html
    assert re.search(r'<input type="checkbox" name="consent"[^>]*\bchecked', html)
