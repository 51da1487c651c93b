"""The pages measured, and what is measured of each: queries, Django CPU, weight and load."""

from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

from .config import (
    COMMON_HEADERS,
    CONNECTIONS,
    FULL,
    ROUNDS,
    SEARCH_WORD,
    SECONDS,
    SMALL,
    WARM_UP_SECONDS,
    BenchError,
    log,
)
from .in_process import (
    count_queries,
    django_cpu_ms,
    seed,
    staff_session,
    stored_requests,
    vary_body,
)
from .load import combine, run_wrk
from .targets import measure_targets


def pages_to_measure():
    """Every page measured, by name, in the order the report lists them.

    `cached`: served from the FAQ cache (also measured with an empty cache); `admin`: needs a
    signed-in staff member; `public`: held to the patients' targets.
    """
    from django.conf import settings

    from faq.models import Question

    question = Question.objects.published().filter(slug__startswith="demo-").order_by("pk").first()
    pages = {
        "minimal": {"label": "minimal Django view", "path": "/bench/minimal/"},
        "faq": {"label": "/faq/", "path": "/faq/", "cached": True},
        "search": {
            "label": f"/faq/?q={SEARCH_WORD}",
            "path": f"/faq/?{urlencode({'q': SEARCH_WORD})}",
            "cached": True,
        },
        "question": {
            "label": "question page",
            "path": question.get_absolute_url(),
            "cached": True,
        },
        "consultation": {"label": "/consultation/ GET", "path": "/consultation/"},
        "post": {"label": "/consultation/ POST", "path": "/consultation/", "method": "POST"},
        "admin": {
            "label": "admin request list",
            "path": f"/{settings.ADMIN_URL}consultations/consultationrequest/",
            "admin": True,
        },
    }
    for key, page in pages.items():
        page["key"] = key
        page.setdefault("method", "GET")
        page["public"] = not page.get("admin") and key != "minimal"
    return pages


class FormParser(HTMLParser):
    """The controls of the first POST form on a page, and the assets the page loads."""

    def __init__(self):
        super().__init__()
        self.in_form = False
        self.done = False
        self.controls = []
        self.assets = []
        self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.assets.append(attrs["src"])
        if tag in ("img", "iframe", "source", "audio", "video") and attrs.get("src"):
            self.assets.append(attrs["src"])
        rel = (attrs.get("rel") or "").split()
        if tag == "link" and attrs.get("href") and {"stylesheet", "icon", "preload"} & set(rel):
            self.assets.append(attrs["href"])
        if tag == "form" and (attrs.get("method") or "").lower() == "post" and not self.done:
            self.in_form = True
        if not self.in_form:
            return
        if tag in ("input", "textarea"):
            self.controls.append({"tag": tag, **attrs})
        elif tag == "select":
            self.select = {"tag": "select", "options": [], **attrs}
            self.controls.append(self.select)
        elif tag == "option" and self.select is not None:
            self.select["options"].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        if tag == "form" and self.in_form:
            self.in_form = False
            self.done = True


def parse(html):
    parser = FormParser()
    parser.feed(html)
    return parser


def form_body(controls):
    """A valid submission built from the form's own controls, with BENCHN and BENCHL in the
    email and the name for wrk.lua and vary_body() to make each submission a new patient's."""
    fields = []
    radios_seen = set()
    for control in controls:
        name = control.get("name")
        kind = (control.get("type") or control["tag"]).lower()
        if not name or kind in ("submit", "button", "reset", "image"):
            continue
        lowered = name.lower()
        if kind == "hidden":
            fields.append((name, control.get("value", "")))
        elif kind == "checkbox":
            fields.append((name, control.get("value", "on")))
        elif kind == "radio":
            if name not in radios_seen:
                radios_seen.add(name)
                fields.append((name, control.get("value", "on")))
        elif kind == "select":
            options = [value for value in control["options"] if value]
            if options and "required" in control:
                fields.append((name, options[0]))
        elif kind == "tel" or "phone" in lowered:
            fields.append((name, "(651) 555-0142"))
        elif kind == "email" or "email" in lowered:
            fields.append((name, "visitor.BENCHN@example.com"))
        elif "name" in lowered:
            fields.append((name, "Bench Visitor BENCHL"))
        # Anything else (a note, the honeypot) stays empty, as a person would leave it.
    return urlencode(fields)


def page_weight(server, path, headers=None):
    """What a browser downloads for the page: the HTML and the page's own assets, in bytes on
    the wire (compressed as served), and the assets that other sites would serve."""
    headers = {**COMMON_HEADERS, **(headers or {})}
    response = server.request("GET", path, headers=headers)
    if response.status != 200:
        raise BenchError(f"{path} answered {response.status}")
    assets, third_party = 0, []
    for url in dict.fromkeys(parse(response.text).assets):
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            third_party.append(url)
            continue
        asset = server.request("GET", url, headers=headers)
        if asset.status != 200:
            raise BenchError(f"asset {url} answered {asset.status}")
        assets += asset.wire_bytes
    return {
        "html_bytes": len(response.text.encode()),
        "html_wire_bytes": response.wire_bytes,
        "page_bytes": response.wire_bytes + assets,
        "third_party": third_party,
    }


def prepare_form(server):
    """Body and headers for valid form submissions, CSRF token and cookie included; one is
    sent to prove it is stored."""
    response = server.request("GET", "/consultation/", headers=COMMON_HEADERS)
    cookies = "; ".join(f"{name}={morsel.value}" for name, morsel in response.cookies.items())
    origin = f"https://{server.host}"
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": origin,
        "Referer": f"{origin}/consultation/",
        "Cookie": cookies,
    }
    body = form_body(parse(response.text).controls)
    before = stored_requests()
    check = server.request(
        "POST", "/consultation/", headers={**COMMON_HEADERS, **headers}, body=vary_body(body, 1)
    )
    if check.status != 302 or stored_requests() != before + 1:
        raise BenchError(
            f"a valid form submission answered {check.status} and stored "
            f"{stored_requests() - before} requests; body was {body}"
        )
    return {"body": body, "headers": headers}


def count_everything(pages, cookie, post_body):
    """Queries at the small and the full data size, and Django's CPU time at the full size."""
    get_pages = [page for page in pages.values() if page["method"] == "GET"]
    cached_pages = [page for page in get_pages if page.get("cached")]
    post_pages = [pages["post"]]
    small = count_queries(get_pages, cookie) | count_queries(post_pages, cookie, post_body)
    small_cold = count_queries(cached_pages, cookie, cold=True)
    seed(FULL)
    full = count_queries(get_pages, cookie) | count_queries(post_pages, cookie, post_body)
    full_cold = count_queries(cached_pages, cookie, cold=True)
    cpu = django_cpu_ms(get_pages, cookie) | django_cpu_ms(post_pages, cookie, post_body)
    cpu_cold = django_cpu_ms(cached_pages, cookie, repeat=10, cold=True)
    for key, page in pages.items():
        page["queries_small"] = small[key]
        page["queries_full"] = full[key]
        page["queries_cold"] = (small_cold.get(key), full_cold.get(key))
        page["cpu_ms"] = cpu[key]
        page["cpu_cold_ms"] = cpu_cold.get(key)


def load_rounds(server, pages):
    """Round after round through every page, so that whatever else the machine is doing
    weighs on all pages alike; each figure is the median of the rounds."""
    for page in pages.values():
        run_wrk(server, page["path"], WARM_UP_SECONDS, CONNECTIONS, **page["request"])
    stored_before = stored_requests()
    for number in range(1, ROUNDS + 1):
        log(f"round {number} of {ROUNDS}: {SECONDS} s per page at {CONNECTIONS} connections")
        for page in pages.values():
            run = run_wrk(server, page["path"], SECONDS, CONNECTIONS, **page["request"])
            page.setdefault("rounds", []).append(run)
            if page.get("admin"):
                run = run_wrk(server, page["path"], SECONDS, 1, **page["request"])
                page.setdefault("rounds_single", []).append(run)
    # Every submission in the rounds is a new patient's: each should be stored once.
    pages["post"]["stored"] = stored_requests() - stored_before
    for page in pages.values():
        page["load"] = combine(page["rounds"])
        if page.get("admin"):
            page["load_single"] = combine(page["rounds_single"])


def measure(server):
    """Every figure of every page, the server started and stopped here."""
    seed(SMALL)
    cookie = staff_session()
    pages = pages_to_measure()
    with server:
        form = prepare_form(server)
        count_everything(pages, cookie, form["body"])
        for page in pages.values():
            cookie_header = {"Cookie": f"{cookie[0]}={cookie[1]}"} if page.get("admin") else {}
            if page["method"] == "GET":
                page.update(page_weight(server, page["path"], cookie_header))
                page["request"] = {"headers": cookie_header}
            else:
                page["request"] = {"headers": form["headers"], "body": form["body"]}
        load_rounds(server, pages)
        targets = measure_targets(server, pages, cookie, form["body"])
    return pages, targets
