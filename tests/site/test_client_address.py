"""The client address (clinic/client_address.py) and TRUSTED_PROXY_COUNT, its one setting."""

import runpy
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client, RequestFactory

from clinic.client_address import client_address

from ..servers import BASE_DIR, manage

PROXY = "10.0.0.5"
OLD_NAME = "CONSULTATION_TRUSTED_PROXIES"


def address(forwarded=None):
    headers = {"REMOTE_ADDR": PROXY}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **headers))


def test_without_proxies_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert address("203.0.113.7") == PROXY


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        (2, "6.6.6.6, 203.0.113.8, 10.0.0.1", "203.0.113.8"),
        (2, " 6.6.6.6 ,, 203.0.113.9 , 10.0.0.1 ", "203.0.113.9"),
    ],
)
def test_the_client_is_the_entry_that_many_places_from_the_right(
    settings, count, forwarded, expected
):
    """Entries further left are the client's own writing and are never believed."""
    settings.TRUSTED_PROXY_COUNT = count
    assert address(forwarded) == expected


@pytest.mark.parametrize("forwarded", [None, "", "203.0.113.7"])
def test_a_header_shorter_than_the_proxy_count_falls_back_to_the_connection(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 2
    assert address(forwarded) == PROXY


def set_environment(monkeypatch, **variables):
    """Set these environment variables for the test; None unsets one."""
    for name, value in variables.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)


def settings_with_environment(monkeypatch, **variables):
    """clinic/settings.py read afresh with these variables."""
    set_environment(monkeypatch, **variables)
    return runpy.run_path(str(BASE_DIR / "clinic" / "settings.py"))


@pytest.mark.parametrize(
    ("new", "old", "expected"),
    [
        (None, None, 0),
        ("2", None, 2),
        (None, "3", 3),  # the old name alone still works
        ("1", "3", 1),  # both: the new name wins
        ("0", "3", 0),
    ],
)
def test_trusted_proxy_count_from_the_environment(monkeypatch, new, old, expected):
    values = settings_with_environment(monkeypatch, TRUSTED_PROXY_COUNT=new, **{OLD_NAME: old})
    assert values["TRUSTED_PROXY_COUNT"] == expected
    assert OLD_NAME not in values  # one setting for the code to read


def warnings_from_check(monkeypatch, **variables):
    set_environment(monkeypatch, **variables)
    err = StringIO()
    call_command("check", stdout=StringIO(), stderr=err)
    return err.getvalue()


@pytest.mark.parametrize(("new", "old"), [("1", None), (None, "1"), (None, None)])
def test_check_is_quiet_when_one_name_or_none_is_set(monkeypatch, new, old):
    assert "clinic.W002" not in warnings_from_check(
        monkeypatch, TRUSTED_PROXY_COUNT=new, **{OLD_NAME: old}
    )


def test_check_warns_when_both_names_are_set(monkeypatch):
    output = warnings_from_check(monkeypatch, TRUSTED_PROXY_COUNT="1", **{OLD_NAME: "2"})
    assert "clinic.W002" in output
    assert f"{OLD_NAME} (2) is ignored" in output
    assert f"Remove {OLD_NAME}" in output


def test_manage_py_check_warns_and_uses_the_new_name(tmp_path):
    """End to end, as an operator runs it: the environment, settings.py, the check."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DEBUG": "on",
        "TRUSTED_PROXY_COUNT": "1",
        OLD_NAME: "2",
    }
    result = manage(
        env, "shell", "-c", "from django.conf import settings; print(settings.TRUSTED_PROXY_COUNT)"
    )
    assert result.stdout.strip().splitlines()[-1] == "1"
    check = manage(env, "check")
    assert "(clinic.W002) Both TRUSTED_PROXY_COUNT and its old name" in check.stderr


@pytest.mark.django_db
def test_staff_login_lockouts_use_the_same_address(settings, django_user_model):
    """Behind a proxy, failed sign-ins lock out the client that made them, not the proxy."""
    settings.TRUSTED_PROXY_COUNT = 1
    django_user_model.objects.create_user("intake", password="right password 42", is_staff=True)
    guesser = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    neighbour = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.8")
    login = f"/{settings.ADMIN_URL}login/"
    wrong = {"username": "intake", "password": "wrong", "otp_token": "000000"}

    statuses = [guesser.post(login, wrong).status_code for _ in range(settings.AXES_FAILURE_LIMIT)]

    assert statuses[-1] == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    assert neighbour.post(login, wrong).status_code == 200  # refused, but not locked out
