"""The staff roles in clinic/roles.py are applied, exactly, by every `migrate`."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from clinic.roles import CONTENT_EDITORS, INTAKE_STAFF, STAFF_ROLES

pytestmark = pytest.mark.django_db


def migrate():
    call_command("migrate", verbosity=0)


def granted(group_name):
    group = Group.objects.get(name=group_name)
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def permission(name):
    app_label, codename = name.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def test_each_role_holds_exactly_its_listed_permissions():
    """After migrate, every group in STAFF_ROLES exists with the listed permissions, no more."""
    migrate()
    assert STAFF_ROLES, "no roles are defined"
    for name, names in STAFF_ROLES.items():
        assert granted(name) == set(names), name


def test_permissions_changed_by_hand_are_put_back():
    """A permission added to a role by hand is taken away, a removed one given back."""
    intake = Group.objects.get(name=INTAKE_STAFF)
    intake.permissions.add(permission("consultations.delete_consultationrequest"))
    intake.permissions.remove(permission("consultations.view_callattempt"))

    migrate()

    assert granted(INTAKE_STAFF) == set(STAFF_ROLES[INTAKE_STAFF])


def test_a_changed_definition_is_applied_on_the_next_migrate(monkeypatch):
    """Editing STAFF_ROLES and running migrate changes the groups: grants, removals, new roles."""
    changed = [
        *(name for name in STAFF_ROLES[CONTENT_EDITORS] if name != "faq.delete_question"),
        "consultations.view_consultationrequest",
    ]
    monkeypatch.setitem(STAFF_ROLES, CONTENT_EDITORS, changed)
    monkeypatch.setitem(STAFF_ROLES, "Reception", ["faq.view_question"])

    migrate()

    assert granted(CONTENT_EDITORS) == set(changed)
    assert "faq.delete_question" not in granted(CONTENT_EDITORS)
    assert granted("Reception") == {"faq.view_question"}
    assert granted(INTAKE_STAFF) == set(STAFF_ROLES[INTAKE_STAFF])


def test_a_deleted_group_is_created_again():
    Group.objects.filter(name=CONTENT_EDITORS).delete()

    migrate()

    assert granted(CONTENT_EDITORS) == set(STAFF_ROLES[CONTENT_EDITORS])


def test_running_migrate_again_changes_nothing():
    """Idempotent: the same groups (same rows) with the same permissions."""
    migrate()
    before = {group.name: (group.pk, granted(group.name)) for group in Group.objects.all()}

    migrate()

    after = {group.name: (group.pk, granted(group.name)) for group in Group.objects.all()}
    assert after == before


def test_roles_are_applied_when_no_permission_exists_yet():
    """On a database without permissions (as after a flush), the roles wait for none of them:
    the permissions are created first, including the last app's, whose own signal comes later."""
    Group.objects.all().delete()
    Permission.objects.all().delete()

    migrate()

    for name, names in STAFF_ROLES.items():
        assert granted(name) == set(names), name


def test_other_groups_are_left_alone():
    volunteers = Group.objects.create(name="Volunteers")
    volunteers.permissions.add(permission("faq.view_question"))

    migrate()

    assert granted("Volunteers") == {"faq.view_question"}


def test_an_unknown_permission_stops_migrate_and_changes_nothing(monkeypatch):
    """A misspelt permission is named in the error instead of being skipped in silence."""
    monkeypatch.setitem(
        STAFF_ROLES, INTAKE_STAFF, [*STAFF_ROLES[INTAKE_STAFF][1:], "faq.fly_question"]
    )

    with pytest.raises(ImproperlyConfigured, match=r"faq\.fly_question"):
        migrate()

    monkeypatch.undo()
    assert granted(INTAKE_STAFF) == set(STAFF_ROLES[INTAKE_STAFF])
