import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from faq.models import Category, Question


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings, tmp_path_factory):
    """On SQLite the test database is a file rather than shared memory. The browser tests' live
    server answers several requests at once (a page, its favicon, the admin's scripts); in shared
    memory SQLite refuses a second writer at once ("database table is locked"), while with a file
    it waits its turn, as the site's own SQLite settings expect."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        folder = tmp_path_factory.mktemp("database")
        database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests sign in often; a deliberately slow hasher would only slow the suite down."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def category(db):
    return Category.objects.create(name="Getting started", slug="getting-started", position=1)


@pytest.fixture
def make_question(category):
    """Create a question; keyword arguments override the defaults."""
    counter = iter(range(1, 100_000))

    def make(**fields):
        number = next(counter)
        fields.setdefault("category", category)
        fields.setdefault("question", f"Test question number {number}?")
        fields.setdefault("slug", f"test-question-{number}")
        fields.setdefault("answer", f"Answer **{number}**.")
        fields.setdefault("position", number)
        return Question.objects.create(**fields)

    return make


@pytest.fixture
def staff_client_for(db):
    """Log a user in on a new test client, verified by an authenticator app as the admin demands.

    `staff_client_for(user)` gives the user a TOTP device if they have none.
    """

    def log_in(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Test authenticator")
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return log_in


@pytest.fixture
def authenticator_code(db):
    """`authenticator_code(user)`: the 6-digit code the user's authenticator app shows now, for
    tests that sign in through the login page. Sets up a device if the user has none.

    A code is accepted once: a second sign-in by the same user needs the next 30-second code.
    """

    def code_for(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Test authenticator")
        return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"

    return code_for


@pytest.fixture
def admin_client(admin_user, staff_client_for):
    """pytest-django's admin_client, with the second factor the admin requires."""
    return staff_client_for(admin_user)


# --- consultation requests and staff users ---


@pytest.fixture
def make_consultation(db):
    """Create a consultation request; keyword arguments override the defaults."""
    from consultations.models import ConsultationRequest

    def make(**fields):
        fields.setdefault("name", "Zoë O'Brien-Søren")
        fields.setdefault("phone", "+16515550123")
        fields.setdefault("email", "zoe@example.org")
        fields.setdefault("best_times", ["morning", "evening"])
        fields.setdefault("voicemail_ok", False)
        fields.setdefault("note", "Please call after my shift.")
        return ConsultationRequest.objects.create(**fields)

    return make


@pytest.fixture
def make_staff_user(db):
    """Create an active staff user, optionally in the named groups or with extra permissions."""
    from django.contrib.auth.models import Group, Permission, User

    def make(username, groups=(), permissions=()):
        user = User.objects.create_user(
            username=username, password="a-long-test-password", is_staff=True
        )
        user.groups.set(Group.objects.filter(name__in=groups))
        for codename in permissions:
            user.user_permissions.add(Permission.objects.get(codename=codename))
        return user

    return make


@pytest.fixture
def intake_user(make_staff_user):
    return make_staff_user("intake", groups=["Intake staff"])


@pytest.fixture
def intake_client(staff_client_for, intake_user):
    return staff_client_for(intake_user)


@pytest.fixture(autouse=True)
def english_to_start():
    """Every test starts in English: a request to a Spanish page leaves Spanish active in the
    thread that served it, as Django does, which would otherwise carry into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache (FAQ pages are cached per content version), and
    with no FAQ page or content version kept in this process's memory."""
    from django.core.cache import cache

    from faq.views import forget_shared_pages

    cache.clear()
    forget_shared_pages()
    yield
    cache.clear()
    forget_shared_pages()


@pytest.fixture(autouse=True)
def forget_shown_free_times():
    """The patient's form keeps its free times and pages, and the request list the people it
    can be assigned to, per process for a few seconds; a test's changes are rolled back without
    the signals that forget them, so each test starts afresh."""
    from consultations.admin_filters import recent_workers
    from consultations.kept_pages import kept_pages
    from consultations.slots import recent_slot_book

    recent_slot_book.forget()
    recent_workers.forget()
    kept_pages.clear()
