import pytest

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", "/faq/", "/privacy/", "/consultation/", "/robots.txt", "/sitemap.xml"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_answers(client, path):
    """Every public page answers 200 for an anonymous visitor."""
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/", "/faq/", "/privacy/", "/consultation/"])
def test_every_page_shows_phone_crisis_line_and_privacy_link(client, path):
    """Each HTML page carries the click-to-call number, the 988/911 notice and the footer."""
    html = client.get(path).content.decode()
    assert 'href="tel:+19522603550"' in html
    assert "If you are in crisis, call or text" in html
    assert 'href="tel:988"' in html and 'href="tel:911"' in html
    assert 'href="/privacy/"' in html
    assert "not medical advice" in html
    assert '<html lang="en">' in html
    assert 'class="skip-link" href="#main"' in html


def test_favicon_ico_points_to_the_site_icon(client):
    """Browsers ask for /favicon.ico where a page names no icon (the admin): it is not a 404."""
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon.svg"
    assert client.get(response["Location"]).status_code == 200
