"""Settings for the clinic site, read from the environment (docs/operations.md and .env.example).

Grouped under headings: site, security, staff sign-in, consultation requests, email and tasks,
logging.
"""

from datetime import timedelta
from pathlib import Path

import environ
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from clinic.languages import PREPARED_LANGUAGES, field_label, register_extra_languages

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.is_file():
    environ.Env.read_env(env_file)


# SITE
# ------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)

# The clinic's facts, in one place. Templates read them as {{ clinic.name }} etc.
CLINIC = {
    "name": env.str("CLINIC_NAME", default="Vadnais Heights Medication-Assisted Psychotherapy"),
    "phone": env.str("CLINIC_PHONE", default="+19522603550"),
    "phone_display": env.str("CLINIC_PHONE_DISPLAY", default="(952) 260-3550"),
    "address": env.str("CLINIC_ADDRESS", default="Vadnais Heights, Minnesota"),
    "email": env.str("CLINIC_EMAIL", default=""),
}

# The site's own address, for links in emails (no trailing slash).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
ADMIN_URL = env.str("ADMIN_URL", default="admin/").strip("/") + "/"

INSTALLED_APPS = [
    # First, so its createsuperuser (no way around the password rules) replaces Django's.
    "clinic",
    # Before the admin, so the FAQ's translated fields are registered when the admin loads.
    "modeltranslation",
    "clinic.apps.ClinicAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # One-time backup codes for staff who cannot reach their authenticator app.
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks_db",
    "reversion",
    "faq",
    "consultations",
]

MIDDLEWARE = [
    # First, so every log line of the request carries its id.
    "clinic.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "clinic.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language comes from the address only: /es/... is Spanish, anything else English.
    "clinic.middleware.LanguageFromPathMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
    # After the others, so they all still run for a FAQ page it answers from memory.
    "faq.middleware.FinishedPageMiddleware",
    # Last, so it is the first to see an exception from a view.
    "clinic.middleware.DatabaseOutageMiddleware",
]

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "clinic.context_processors.clinic",
                "clinic.context_processors.languages",
            ],
            # {% translate %} and friends in every template without {% load i18n %}.
            "builtins": ["django.templatetags.i18n"],
        },
    },
]

# Widgets and field templates: Jinja2 for Django's own (much faster), the template folders for
# the project's and the admin's (clinic/form_renderer.py).
FORM_RENDERER = "clinic.form_renderer.FastFormRenderer"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Take SQLite's write lock when a transaction starts, so concurrent submissions queue up
    # instead of failing with "database is locked" halfway through.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Languages: English at the unprefixed addresses, every other enabled language under its own
# prefix (/es/). SITE_LANGUAGES lists the enabled ones, English first; each must be one of
# PREPARED_LANGUAGES (clinic/languages.py) and have its translated interface in locale/.
LANGUAGE_CODE = "en"
SITE_LANGUAGES = env.list("SITE_LANGUAGES", default=["en", "es"])
_unknown = [code for code in SITE_LANGUAGES if code not in PREPARED_LANGUAGES]
if _unknown or SITE_LANGUAGES[:1] != [LANGUAGE_CODE]:
    raise ImproperlyConfigured(
        f"SITE_LANGUAGES must start with {LANGUAGE_CODE!r} and name only languages the site is "
        f"prepared for ({', '.join(PREPARED_LANGUAGES)}); it has {', '.join(SITE_LANGUAGES)}. "
        "See docs/operations.md, 'Adding a language'."
    )
LANGUAGES = [(code, PREPARED_LANGUAGES[code]) for code in SITE_LANGUAGES]
register_extra_languages()
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Chicago"
USE_I18N = True
USE_TZ = True

# FAQ content per language (django-modeltranslation): one column per prepared language, so
# enabling a language needs no migration. A question or category without text in the page's
# language shows its English text.
MODELTRANSLATION_LANGUAGES = tuple(PREPARED_LANGUAGES)
MODELTRANSLATION_DEFAULT_LANGUAGE = LANGUAGE_CODE
MODELTRANSLATION_FALLBACK_LANGUAGES = (LANGUAGE_CODE,)
# Admin labels such as "question (Spanish)".
MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME = field_label

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed, compressed file names need `collectstatic` first (the Docker build runs it); the test
# suite and local development serve the source files directly.
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
# Lets tests and `runserver` serve static files without collectstatic.
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=not STATIC_MANIFEST)
WHITENOISE_AUTOREFRESH = DEBUG


# SECURITY
# ------------------------------------------------------------------------------
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            "string (for example: python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=on for local development."
        )
    SECRET_KEY = "development-only-secret-key-never-use-in-production"  # noqa: S105
# Old keys still accepted for signatures while a new SECRET_KEY takes over
# (docs/operations.md, 'The secret key').
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

# Keys that encrypt sensitive free text at rest (Fernet keys, comma-separated). The first encrypts;
# all decrypt, so a new key goes first and old ones stay until `rotate_encryption_keys` has run.
# Generating a key: see docs/operations.md, "Encryption keys".
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
if not FIELD_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is not set. It encrypts patients' notes in the database. "
            "Generate a key with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())' and set FIELD_ENCRYPTION_KEYS to it "
            "(see docs/operations.md, 'Encryption keys'), or set DEBUG=on for local development."
        )
    FIELD_ENCRYPTION_KEYS = ["ZGV2ZWxvcG1lbnQtb25seS1maWVsZC1rZXktMDAwMDA="]
try:
    for _key in FIELD_ENCRYPTION_KEYS:
        Fernet(_key)
except ValueError as exc:
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key (32 url-safe base64-encoded "
        "bytes). Generate one as docs/operations.md shows."
    ) from exc

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# How many reverse proxies in front of the site append to X-Forwarded-For, for the client address
# that staff-login lockouts and the consultation form's limit see (clinic/client_address.py).
# 0: the client is REMOTE_ADDR. Set it to exactly the number of proxies you run, or clients can
# pick their address. CONSULTATION_TRUSTED_PROXIES is its old name, read when it is not set
# (`check` warns when both are).
TRUSTED_PROXY_COUNT = env.int(
    "TRUSTED_PROXY_COUNT", default=env.int("CONSULTATION_TRUSTED_PROXIES", default=0)
)

# Security whenever DEBUG is off. The site runs behind a TLS-terminating proxy; gunicorn trusts
# its X-Forwarded-Proto header from the addresses in FORWARDED_ALLOW_IPS (see gunicorn.conf.py).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers and the container's HEALTHCHECK probe over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Addresses such as /faq/?q=... never leave the site in a Referer header.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features the site never uses, switched off for every page.
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ]
}

# `__Host-` cookies must be Secure, so the prefixed names are used whenever cookies are.
SECURE_COOKIES = not DEBUG
SESSION_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "__Host-sessionid" if SECURE_COOKIES else "sessionid"
CSRF_COOKIE_SECURE = SECURE_COOKIES
# The forms read the token from the page, never from the cookie, so scripts need no access to it.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_NAME = "__Host-csrftoken" if SECURE_COOKIES else "csrftoken"
CSRF_FAILURE_VIEW = "clinic.views.csrf_failure"

# Content Security Policy, enforced by Django's own middleware. Everything is denied unless named
# here; no inline script or style anywhere, the admin's included.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "frame-src": [CSP.NONE],
    "worker-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Error reports (mailed to ADMINS, or shown when DEBUG is on) never carry what a patient typed:
# they leave out every submitted value and every local variable.
DEFAULT_EXCEPTION_REPORTER_FILTER = "clinic.security.PersonalDataExceptionReporterFilter"


# STAFF SIGN-IN
# ------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out client before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Only staff have sessions. Requests renew one (at most once a minute: clinic/sessions.py), so it
# ends after this many idle seconds.
STAFF_SESSION_IDLE_TIMEOUT = env.int("STAFF_SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_ENGINE = "clinic.sessions"
SESSION_COOKIE_AGE = STAFF_SESSION_IDLE_TIMEOUT
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Failed staff logins (django-axes): lock the username from that address for a while.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "clinic.views.staff_locked_out"
AXES_RESET_ON_SUCCESS = True
# The same client address the consultation form's limit sees (TRUSTED_PROXY_COUNT, above).
AXES_CLIENT_IP_CALLABLE = "clinic.client_address.client_address"

# Two-factor login (django-otp): the issuer name authenticator apps show beside the code.
OTP_TOTP_ISSUER = CLINIC["name"]
# Device keys are never shown in the admin; a device is set up with `manage.py enrol_totp`.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# After an administrator creates or resets a staff account, the staff member has this many hours
# to sign in with the password and set up an authenticator app.
STAFF_ENROLMENT_HOURS = env.int("STAFF_ENROLMENT_HOURS", default=24)


# FAQ
# ------------------------------------------------------------------------------
# A clinical review of an answer falls due this many months after it was made.
FAQ_REVIEW_MONTHS = env.int("FAQ_REVIEW_MONTHS", default=12)
# "Did this answer your question?" and searches that found nothing.
# Votes and notes one client may send in an hour (counted by a keyed hash, never the address).
FAQ_FEEDBACK_PER_CLIENT_PER_HOUR = env.int("FAQ_FEEDBACK_PER_CLIENT_PER_HOUR", default=30)
# "What were you hoping to find" notes kept per day at most, so a flood cannot fill the database.
FAQ_FEEDBACK_TEXTS_PER_DAY = env.int("FAQ_FEEDBACK_TEXTS_PER_DAY", default=200)
# Days before `purge_faq_feedback` deletes those notes, and counts of searches that found nothing.
FAQ_FEEDBACK_RETENTION_DAYS = env.int("FAQ_FEEDBACK_RETENTION_DAYS", default=90)
FAQ_MISSED_SEARCH_RETENTION_DAYS = env.int("FAQ_MISSED_SEARCH_RETENTION_DAYS", default=180)


# CONSULTATION REQUESTS
# ------------------------------------------------------------------------------
# Patients' notes and staff's call notes are encrypted with FIELD_ENCRYPTION_KEYS (Security).
# Who is emailed when a request arrives (the email says only "request #N", never its content).
CONSULTATION_NOTIFY_EMAILS = env.list("CONSULTATION_NOTIFY_EMAILS", default=[])
# Submissions allowed from one client per hour, counted in the database across app servers.
CONSULTATION_RATE_LIMIT_PER_HOUR = env.int("CONSULTATION_RATE_LIMIT_PER_HOUR", default=5)
# An identical submission within this many minutes is taken as a resubmission, not a new request.
CONSULTATION_DUPLICATE_WINDOW_MINUTES = env.int("CONSULTATION_DUPLICATE_WINDOW_MINUTES", default=10)
# Staff side: a request nobody has called after this many business days (Monday to Friday, clinic
# time) is flagged as overdue; personal data of requests closed longer than the retention period
# is removed by `manage.py purge_consultation_requests`.
CONSULTATION_OVERDUE_BUSINESS_DAYS = env.int("CONSULTATION_OVERDUE_BUSINESS_DAYS", default=1)
CONSULTATION_RETENTION_DAYS = env.int("CONSULTATION_RETENTION_DAYS", default=365)
# When the clinic is open, clinic time: business time to a first call counts only these hours.
CLINIC_OPENING_HOURS = env.str("CLINIC_OPENING_HOURS", default="09:00-17:00")
# Holidays the clinic closes for, by their name in the `holidays` package (US, Minnesota); the
# day a holiday is observed on counts too. Closure days staff add in the admin count as well.
CLINIC_CLOSED_HOLIDAYS = env.list(
    "CLINIC_CLOSED_HOLIDAYS",
    default=[
        "New Year's Day",
        "Memorial Day",
        "Independence Day",
        "Labor Day",
        "Thanksgiving Day",
        "Christmas Day",
    ],
)
# Unanswered calls ("no answer", "left voicemail", "wrong number"), on at least two business
# days, after which a request is marked "ready to close: not reached".
CONSULTATION_UNANSWERED_CALLS_TO_CLOSE = env.int(
    "CONSULTATION_UNANSWERED_CALLS_TO_CLOSE", default=3
)
# How far back a request from the same phone number is shown as an earlier request.
CONSULTATION_SAME_NUMBER_DAYS = env.int("CONSULTATION_SAME_NUMBER_DAYS", default=365)
# Bookable call times: slots of this many minutes inside CLINIC_OPENING_HOURS on business days,
# at least this many business hours ahead, up to this many business days out. How many calls one
# slot takes is set per day in the admin ("Call capacity"); days without a setting take the default.
CONSULTATION_CALL_SLOT_MINUTES = env.int("CONSULTATION_CALL_SLOT_MINUTES", default=15)
CONSULTATION_BOOKING_MIN_BUSINESS_HOURS = env.int(
    "CONSULTATION_BOOKING_MIN_BUSINESS_HOURS", default=2
)
CONSULTATION_BOOKING_BUSINESS_DAYS = env.int("CONSULTATION_BOOKING_BUSINESS_DAYS", default=10)
CONSULTATION_CALLS_PER_SLOT = env.int("CONSULTATION_CALLS_PER_SLOT", default=1)


# EMAIL AND TASKS
# ------------------------------------------------------------------------------
# Email from EMAIL_URL (smtp://host:25, smtp+tls://user:password@host:587, smtp+ssl://...:465);
# the console when DEBUG is on. `check --deploy` warns when production has no EMAIL_URL.
EMAIL_URL = env.str("EMAIL_URL", default="")
_email = env.email_url_config(EMAIL_URL or ("consolemail://" if DEBUG else "smtp://localhost:25"))
MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"]}}
if _email["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
    MAILERS["default"]["OPTIONS"] = {
        "host": _email["EMAIL_HOST"],
        "port": _email["EMAIL_PORT"],
        "username": _email["EMAIL_HOST_USER"] or "",
        "password": _email["EMAIL_HOST_PASSWORD"] or "",
        "use_tls": _email.get("EMAIL_USE_TLS", False),
        "use_ssl": _email.get("EMAIL_USE_SSL", False),
        # Seconds to wait for the mail server before giving up (the task is then retried).
        "timeout": env.int("EMAIL_TIMEOUT", default=10),
    }
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background tasks (Django's django.tasks). Production: the database backend (django_tasks_db's,
# queuing with a cheaper INSERT: clinic/task_backend.py) and its worker,
# `python manage.py db_worker`. Development: tasks run at once, inside the request.
TASKS = {
    "default": {
        "BACKEND": env.str(
            "TASKS_BACKEND",
            default="django.tasks.backends.immediate.ImmediateBackend"
            if DEBUG
            else "clinic.task_backend.DatabaseBackend",
        ),
    },
}


# LOGGING
# ------------------------------------------------------------------------------
# Logs go to stdout, where the container platform collects them. LOG_FORMAT=json: one JSON object
# per line (gunicorn's access log too, see gunicorn.conf.py), each with the request's id.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured("LOG_FORMAT is either 'plain' or 'json'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "clinic.request_id.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "clinic.request_id.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
            "stream": "ext://sys.stdout",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Failed sign-ins and lockouts (warnings) are kept; axes' routine chatter is not.
    "loggers": {"axes": {"level": "WARNING"}},
}

# Optional error reports to Sentry (or a compatible service), scrubbed of personal data.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="production")
if SENTRY_DSN:
    from clinic.error_reporting import start_error_reporting

    start_error_reporting(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT)


# BACKUPS
# ------------------------------------------------------------------------------
# `manage.py backup` (and the scheduler's daily run) writes here and keeps the newest BACKUP_KEEP.
BACKUP_DIR = env.path("BACKUP_DIR", default=BASE_DIR / "backups")
BACKUP_KEEP = env.int("BACKUP_KEEP", default=14)
