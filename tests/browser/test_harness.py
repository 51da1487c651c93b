"""The browser harness catches what it promises to catch, under the site's real CSP."""

import json
from pathlib import Path

import pytest
from django.conf import settings

from .support import AXE_SCRIPT, assert_accessible

pytestmark = pytest.mark.browser


def test_pages_are_served_with_a_strict_csp(page):
    """The policy the browser enforces has no 'unsafe-inline' and no 'unsafe-eval'."""
    response = page.goto("/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_inline_script_and_style_are_reported_as_csp_violations(page, page_problems):
    """An inline script or style added to a page is blocked by the CSP and reported."""
    page.goto("/faq/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "document.title = 'inline ran'";
            document.body.append(script);
            document.body.insertAdjacentHTML("beforeend", '<p style="color: red">styled</p>');
        }"""
    )
    found = page_problems.take()
    assert page.title() != "inline ran"
    assert any("CSP violation: script-src" in problem for problem in found), found
    assert any("CSP violation: style-src" in problem for problem in found), found


def test_console_errors_page_errors_and_http_errors_are_reported(page, page_problems):
    """console.error, an uncaught exception and a missing image all count as problems."""
    page.goto("/")
    page.evaluate(
        """() => {
            console.error("something broke");
            setTimeout(() => { throw new Error("uncaught"); }, 0);
            document.body.insertAdjacentHTML("beforeend", '<img src="/missing.png" alt="">');
        }"""
    )
    page.wait_for_function("() => document.querySelector('img[src=\"/missing.png\"]').complete")
    found = "\n".join(page_problems.take())
    assert "console error: something broke" in found
    assert "page error: uncaught" in found
    assert "HTTP 404: GET" in found and "/missing.png (image)" in found


@pytest.mark.parametrize("error", ["connectionrefused", "aborted"])
def test_failed_requests_are_reported(page, page_problems, error):
    """A request of the page on screen that never gets an answer is a problem too."""
    page.goto("/")
    page.route("**/unreachable.css", lambda route: route.abort(error))
    page.evaluate(
        """() => {
            const link = document.createElement("link");
            link.rel = "stylesheet";
            link.href = "/unreachable.css";
            document.head.append(link);
        }"""
    )
    page.wait_for_event("requestfailed")
    assert any("request failed: GET" in problem for problem in page_problems.take())


def test_requests_cancelled_by_leaving_the_page_are_not_problems(page, page_problems):
    """A stylesheet still loading when the patient follows a link is dropped by the browser:
    that is no fault of the site."""
    page.goto("/")
    page.route("**/never-answers.css", lambda route: None)  # left pending
    page.evaluate(
        """() => {
            const link = document.createElement("link");
            link.rel = "stylesheet";
            link.href = "/never-answers.css";
            document.head.append(link);
        }"""
    )
    with page.expect_event("requestfailed") as failed:
        page.get_by_role("link", name="Read common questions").click()
    assert failed.value.failure == "net::ERR_ABORTED"
    assert page_problems.take() == []


def test_csp_violations_are_reported_with_javascript_off(open_page, page_problems):
    """Without JavaScript the listener cannot run; Chromium's own report still counts."""
    page = open_page(java_script_enabled=False)
    page.goto("/")
    page.route(
        "**/styled/",
        lambda route: route.fulfill(
            body='<!doctype html><p style="color: red">styled</p>',
            headers={"Content-Type": "text/html", "Content-Security-Policy": "style-src 'self'"},
        ),
    )
    page.goto("/styled/")
    found = page_problems.take()
    assert any("violates the following Content Security Policy" in p for p in found), found


def test_axe_reports_violations(page):
    """The accessibility check fails on a page with a real WCAG problem (an image without text)."""
    page.goto("/privacy/")
    page.evaluate(
        """() => document.querySelector("main").insertAdjacentHTML(
            "beforeend", '<img src="/static/img/favicon.svg">')"""
    )
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page)


def test_axe_checks_the_wcag_22_rules(page):
    """The check includes WCAG 2.2 AA: two buttons too small to tap, side by side, fail it."""
    page.goto("/privacy/")
    page.evaluate(
        """() => {
            for (const label of ["Yes", "No"]) {
                const button = document.createElement("button");
                button.type = "button";
                button.textContent = label;
                Object.assign(button.style, {width: "12px", height: "12px", padding: "0",
                                             margin: "0", overflow: "hidden"});
                document.querySelector("main").append(button);
            }
        }"""
    )
    with pytest.raises(AssertionError, match="target-size"):
        assert_accessible(page)


def test_axe_is_the_release_package_lock_pins():
    """The injected axe-core is the version package-lock.json pins (installed by `npm ci`)."""
    lock = json.loads((Path(settings.BASE_DIR) / "package-lock.json").read_text(encoding="utf-8"))
    version = lock["packages"]["node_modules/axe-core"]["version"]
    assert AXE_SCRIPT.is_file(), "node_modules is missing: run `npm ci` (make test does)"
    assert f"axe v{version}" in AXE_SCRIPT.read_text(encoding="utf-8")[:100]
