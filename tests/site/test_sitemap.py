"""The site-wide sitemap (clinic/sitemaps.py) lists only pages that exist."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_every_address_in_the_sitemap_answers(client, make_question):
    """Each <loc> opens with 200, the fixed pages and a published question alike."""
    question = make_question(slug="listed-question")
    body = client.get("/sitemap.xml").content.decode()
    paths = [
        loc.removeprefix("http://testserver") for loc in re.findall(r"<loc>([^<]+)</loc>", body)
    ]

    assert {"/", "/faq/", "/consultation/", "/privacy/", question.get_absolute_url()} <= set(paths)
    for path in paths:
        assert client.get(path).status_code == 200, path
