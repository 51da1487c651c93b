"""Every security header and cookie flag the site sends when DEBUG is off."""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

ADMIN = f"/{settings.ADMIN_URL}"

EXPECTED_CSP = {
    "default-src": ["'none'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "manifest-src": ["'self'"],
    "object-src": ["'none'"],
    "frame-src": ["'none'"],
    "worker-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}

SWITCHED_OFF_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb", "display-capture"]


def parse_csp(header):
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_security_headers(headers):
    """The headers every response carries; `headers` is any case-insensitive mapping."""
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    policy = dict(item.strip().split("=", 1) for item in headers["Permissions-Policy"].split(","))
    for feature in SWITCHED_OFF_FEATURES:
        assert policy[feature] == "()", feature
    csp = parse_csp(headers["Content-Security-Policy"])
    assert csp == EXPECTED_CSP
    assert "unsafe" not in headers["Content-Security-Policy"]


class InlineCodeFinder(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, style attributes and handlers."""

    def __init__(self):
        super().__init__()
        self.problems = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes:
            script_type = attributes.get("type", "")
            if script_type not in ("application/json", "application/ld+json"):
                self._in_inline_script = True
        if tag == "style":
            self.problems.append("<style> element")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.problems.append(f"{tag} {name}={value!r}")
            if name in ("href", "src", "action") and (value or "").startswith("javascript:"):
                self.problems.append(f"{tag} {name}={value!r}")
            if name in ("src",) and (value or "").startswith(("http:", "https:", "//")):
                self.problems.append(f"third-party {tag} {value!r}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.problems.append(f"inline script {data.strip()[:40]!r}")


def inline_code_in(html):
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.problems


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/faq/", 200),
        ("/consultation/", 200),
        ("/privacy/", 200),
        ("/no-such-page/", 404),
    ],
)
def test_public_pages_send_every_security_header(client, path, status):
    """HSTS, nosniff, Referrer-Policy, COOP, X-Frame-Options, Permissions-Policy and CSP, on the
    pages themselves and on the not-found page."""
    response = client.get(path, secure=True)
    assert response.status_code == status
    assert_security_headers(response.headers)


@pytest.mark.parametrize("path", ["/", "/faq/", "/consultation/", "/privacy/"])
def test_public_pages_have_no_inline_code(client, path, make_question):
    """Nothing on the public pages depends on what the CSP forbids."""
    make_question(is_published=True)
    html = client.get(path, secure=True).content.decode()
    assert inline_code_in(html) == []


def test_hsts_is_only_sent_over_https(client):
    """Browsers ignore HSTS over HTTP; Django sends it only on secure requests."""
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_csrf_cookie_flags(client):
    """The CSRF cookie: __Host- name, Secure, HttpOnly, SameSite=Lax, whole-site path, no domain."""
    response = client.get(f"{ADMIN}login/", secure=True)
    cookie = response.cookies["__Host-csrftoken"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert cookie["domain"] == ""


def test_session_cookie_flags(client, django_user_model):
    """The session cookie set at sign-in: __Host- name, Secure, HttpOnly, SameSite=Lax."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = django_user_model.objects.create_superuser("boss", password="a long enough password")
    device = TOTPDevice.objects.create(user=user, name="Phone")
    code = f"{totp(device.bin_key):06d}"
    response = client.post(
        f"{ADMIN}login/",
        {"username": "boss", "password": "a long enough password", "otp_token": code},
        secure=True,
    )
    assert response.status_code == 302
    cookie = response.cookies["__Host-sessionid"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert cookie["domain"] == ""


def test_ssl_redirect_sends_http_to_https(settings, client):
    """With SECURE_SSL_REDIRECT on (the production default) plain HTTP is redirected."""
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/faq/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/faq/"


def test_health_check_is_exempt_from_the_https_redirect(settings, client):
    """Load balancers probe /healthz/ over plain HTTP and get the answer, not a redirect."""
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz/").status_code == 200


@pytest.mark.parametrize(
    ("url_name", "needs"),
    [
        ("admin:index", None),
        ("admin:faq_question_changelist", None),
        ("admin:faq_question_add", None),
        ("admin:faq_question_change", "question"),
        ("admin:faq_category_changelist", None),
        ("admin:consultations_consultationrequest_changelist", None),
        ("admin:consultations_consultationrequest_change", "consultation"),
        ("admin:consultations_auditentry_changelist", None),
        ("admin:auth_user_changelist", None),
        ("admin:auth_user_add", None),
        ("admin:otp_totp_totpdevice_changelist", None),
        ("admin:axes_accessattempt_changelist", None),
        ("admin:password_change", None),
    ],
)
def test_admin_works_under_the_policy(
    admin_client, make_question, make_consultation, url_name, needs
):
    """Admin pages load with the strict CSP and use nothing it would block."""
    makers = {"question": make_question, "consultation": make_consultation}
    args = [makers[needs]().pk] if needs else []
    response = admin_client.get(reverse(url_name, args=args), secure=True)
    assert response.status_code == 200
    assert_security_headers(response.headers)
    assert inline_code_in(response.content.decode()) == []


def test_admin_login_page_works_under_the_policy(client):
    """The two-factor sign-in page needs nothing the CSP blocks."""
    response = client.get(f"{ADMIN}login/", secure=True)
    assert response.status_code == 200
    assert inline_code_in(response.content.decode()) == []


def test_permissions_policy_lists_each_feature_once(client):
    """The header is well formed: feature=() entries separated by commas."""
    header = client.get("/").headers["Permissions-Policy"]
    assert re.fullmatch(r"[a-z-]+=\(\)(, [a-z-]+=\(\))*", header)


def test_inline_code_finder_catches_what_the_policy_blocks():
    """The checker above really notices inline script, style attributes and handlers."""
    html = '<script>run()</script><p style="color:red" onclick="go()">x</p><style>p{}</style>'
    assert len(inline_code_in(html)) == 4
    assert inline_code_in('<script type="application/ld+json">{"a": 1}</script>') == []
