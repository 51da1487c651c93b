"""The "Clinical reviewers" role: the only staff who can mark an answer medically reviewed.

Reviewers also see the questions, so they can read what they review. Reversing removes the
group, not the permission.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Clinical reviewers"
CODENAMES = ["view_question", "review_question"]


def create_group(apps, schema_editor):
    # Permissions are normally created after `migrate` finishes; on a fresh database the new
    # one does not exist yet.
    app_config = apps.get_app_config("faq")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    finally:
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="faq", content_type__model="question", codename__in=CODENAMES
    )
    if permissions.count() != len(CODENAMES):
        raise RuntimeError(f"Missing permissions for faq.question: {CODENAMES}")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(*permissions)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("faq", "0004_review_and_schedule"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
