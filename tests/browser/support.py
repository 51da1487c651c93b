"""What the browser tests share besides fixtures: sizes, the problem collector, the axe check."""

import json
from pathlib import Path

from django.conf import settings
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = "/usr/bin/chromium"
AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA: the tags axe files those rules under (axe's WCAG 2.2
# rules are all level AA). No rule is disabled.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# Browser context settings for each size a patient might use.
SIZES = {
    "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": DESKTOP},
}

# Reports CSP violations to the console, where PageProblems sees them. Init scripts run in every
# document before the page's own scripts and are not subject to the page's CSP. (Chromium also
# logs violations itself, which covers pages with JavaScript turned off.)
CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    `CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline code"}` +
    ` in ${event.sourceFile || event.documentURI}:${event.lineNumber}`
  );
});
"""


def path_of(url):
    """The path and query of a URL: /faq/?q=x for http://localhost:1234/faq/?q=x."""
    return "/" + url.split("://", 1)[-1].split("/", 1)[-1] if "://" in url else url


class PageProblems:
    """Collects everything a browser reports as wrong while a test drives it: console errors,
    uncaught exceptions, failed requests, HTTP errors and CSP violations."""

    def __init__(self):
        self.found = []
        self._expected = set()
        self._contexts = []
        # How many documents each page has shown, and the document each request belongs to:
        # a request the browser cancels because the page moved on is no fault of the site.
        self._documents = {}
        self._document_of = {}
        self._cancelled = []

    def watch(self, context, *, javascript=True):
        context.add_init_script(CSP_REPORTER)
        context.on("page", self._on_page)
        context.on("console", self._on_console)
        context.on("weberror", lambda error: self.found.append(f"page error: {error.error}"))
        context.on("request", self._on_request)
        context.on("requestfinished", self._forget)
        context.on("requestfailed", self._on_request_failed)
        context.on("response", self._on_response)
        self._contexts.append((context, javascript))

    def _on_page(self, page):
        self._documents[page] = 0

        def count_document(frame):
            if frame == page.main_frame:
                self._documents[page] += 1

        page.on("framenavigated", count_document)

    def _on_request(self, request):
        try:
            page = request.frame.page
        except PlaywrightError:  # a service worker's request belongs to no page
            return
        self._document_of[request] = (page, self._documents.get(page, 0))

    def _forget(self, request):
        self._document_of.pop(request, None)

    def expect_status(self, path, status):
        """Declare that ``path`` answers ``status`` on purpose (the 404 page, for instance)."""
        self._expected.add((path, status))

    def _on_console(self, message):
        if message.type != "error":
            return
        url = message.location.get("url", "")
        # Chromium logs each HTTP error as a console error too; an expected one is no problem.
        if any(f"status of {status}" in message.text for status in self._statuses_for(url)):
            return
        self.found.append(f"console error: {message.text} ({url})")

    def _statuses_for(self, url):
        return {status for path, status in self._expected if path == path_of(url)}

    def _on_request_failed(self, request):
        problem = f"request failed: {request.method} {request.url} ({request.failure})"
        document = self._document_of.pop(request, None)
        if request.failure == "net::ERR_ABORTED" and document is not None:
            # Judged in settle(), once the browser has told of every navigation.
            self._cancelled.append((document, problem))
        else:
            self.found.append(problem)

    def _on_response(self, response):
        if response.status >= 400 and response.status not in self._statuses_for(response.url):
            request = response.request
            self.found.append(
                f"HTTP {response.status}: {request.method} {response.url} ({request.resource_type})"
            )

    def settle(self):
        """Let events the browser has already sent reach the collector before it is read."""
        for context, javascript in self._contexts:
            for page in context.pages:
                if page.is_closed():
                    continue
                page.wait_for_load_state("load")
                if javascript:
                    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 0))")
        for (page, document), problem in self._cancelled:
            if self._documents.get(page) == document:
                self.found.append(problem)  # cancelled while its page was still on screen
        self._cancelled = []

    def take(self):
        """The problems found so far, forgetting them (for the collector's own tests)."""
        self.settle()
        found, self.found = self.found, []
        return found


def assert_accessible(page):
    """Run axe-core in the page as it is now: no WCAG 2.2 (2.0, 2.1) A or AA violation.

    axe is evaluated through the DevTools protocol, which the page's CSP does not govern, so the
    page keeps its real policy while it is checked.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    results = page.evaluate(
        """(tags) => axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        AXE_TAGS,
    )
    assert results["testEngine"]["name"] == "axe-core"
    violations = [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "where": [node["target"] for node in violation["nodes"]][:5],
            "fix": violation["nodes"][0]["failureSummary"],
        }
        for violation in results["violations"]
    ]
    assert not violations, f"axe found problems on {page.url}:\n" + json.dumps(violations, indent=2)


def assert_fits_width(page):
    """Nothing sticks out sideways: the page never needs horizontal scrolling."""
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the window"


STAFF_PASSWORD = "correct-horse-battery-staple-42"


def fill_login_form(page, user, code=""):
    """On the admin's login page: username, password and the authenticator app's code."""
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Log in").click()


def send_consultation_form(page, name, phone, call_time):
    """Fill the form's required answers as a patient would and send it."""
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Phone number").fill(phone)
    page.get_by_label(call_time).check()
    page.get_by_label("Yes, you may leave a voicemail").check()
    page.get_by_label("I am 18 or older, and I agree to be called at this number.").check()
    page.get_by_role("button", name="Ask us to call me").click()
