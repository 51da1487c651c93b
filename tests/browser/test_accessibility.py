"""axe-core finds no WCAG 2.1 A or AA problem on any page, in any state, at either size."""

import pytest

from .support import SIZES, assert_accessible

pytestmark = pytest.mark.browser

PUBLIC_PAGES = {
    "home": "/",
    "faq": "/faq/",
    "faq search with results": "/faq/?q=lozenge",
    "faq search without results": "/faq/?q=zebra",
    "faq question open from its link": "/faq/#is-it-safe",
    "question page": "/faq/is-it-safe/",
    "privacy": "/privacy/",
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_page_is_accessible(open_page, faq_content, size, name):
    page = open_page(**SIZES[size])
    page.goto(PUBLIC_PAGES[name])
    assert_accessible(page)


@pytest.mark.parametrize("size", SIZES)
def test_not_found_page_is_accessible(open_page, page_problems, size):
    page_problems.expect_status("/no-such-page/", 404)
    page = open_page(**SIZES[size])
    page.goto("/no-such-page/")
    assert_accessible(page)
