"""The two staff roles as groups. Reversing removes the groups, not the permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    # Work the call-back list: read and update requests, log calls. No deleting, no export
    # (export is granted person by person), no audit trail.
    "Intake staff": [
        ("consultations", "consultationrequest", ["view", "change"]),
        ("consultations", "callattempt", ["view", "add", "change"]),
    ],
    # Keep the FAQ current; nothing else.
    "Content editors": [
        ("faq", "category", ["view", "add", "change", "delete"]),
        ("faq", "question", ["view", "add", "change", "delete"]),
    ],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after `migrate` finishes; on a fresh database they do
    # not exist yet, so create them now for the apps the roles use.
    for label in ("consultations", "faq"):
        app_config = apps.get_app_config(label)
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        try:
            create_permissions(
                app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias
            )
        finally:
            app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, model, actions in grants:
            codenames = [f"{action}_{model}" for action in actions]
            permissions = Permission.objects.filter(
                content_type__app_label=app_label,
                content_type__model=model,
                codename__in=codenames,
            )
            if permissions.count() != len(codenames):
                raise RuntimeError(f"Missing permissions for {app_label}.{model}: {codenames}")
            group.permissions.add(*permissions)


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("consultations", "0003_staff_audit_trail"),
        ("faq", "0002_starter_content"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
