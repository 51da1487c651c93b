import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def test_short_password_from_the_environment_is_refused(monkeypatch):
    """No superuser with a password under 12 characters, even non-interactively."""
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "short")
    with pytest.raises(CommandError, match="at least 12 characters"):
        call_command("createsuperuser", "--noinput", username="boss", email="", verbosity=0)
    assert not get_user_model().objects.filter(username="boss").exists()


def test_good_password_from_the_environment_creates_the_superuser(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "quiet-harbor-lantern-42")
    call_command("createsuperuser", "--noinput", username="boss", email="", verbosity=0)
    user = get_user_model().objects.get(username="boss")
    assert user.is_superuser and user.check_password("quiet-harbor-lantern-42")


def test_interactive_prompt_never_offers_a_bypass(monkeypatch, capsys):
    """A weak password is refused and asked for again; there is no 'create anyway'."""
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)
    answers = iter(["boss", "boss@example.org"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    passwords = iter(["password", "password", "quiet-harbor-lantern-42", "quiet-harbor-lantern-42"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(passwords))
    call_command("createsuperuser", stdout=None)
    error_output = capsys.readouterr().err
    assert "This password is too short" in error_output
    assert "Bypass" not in error_output
    user = get_user_model().objects.get(username="boss")
    assert user.check_password("quiet-harbor-lantern-42")
    assert user.email == "boss@example.org"
