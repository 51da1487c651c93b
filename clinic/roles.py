"""The staff roles, defined once and applied after every `migrate`.

Each role is a group holding exactly the permissions listed here: after each `migrate` (and so
after each deploy) a group is created when missing, and permissions given to it by hand or
removed from this list are taken away. Other groups are left alone. The migration that first
created the groups (consultations 0004) keeps its own copy, so changing a role here never
rewrites history.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, router, transaction
from django.db.models import Q

INTAKE_STAFF = "Intake staff"
CONTENT_EDITORS = "Content editors"
CLINICAL_REVIEWERS = "Clinical reviewers"

STAFF_ROLES: dict[str, list[str]] = {
    # Work the call-back list: read and update requests, log calls. No deleting, no export
    # (export is granted person by person), no audit trail.
    INTAKE_STAFF: [
        "consultations.view_consultationrequest",
        "consultations.change_consultationrequest",
        "consultations.view_callattempt",
        "consultations.add_callattempt",
        "consultations.change_callattempt",
        # Phone-in and walk-in requests, and the days the clinic is closed.
        "consultations.add_consultationrequest",
        "consultations.view_closureday",
        "consultations.add_closureday",
        "consultations.change_closureday",
        "consultations.delete_closureday",
        # How many calls each time slot takes per day, and times patients cannot book.
        "consultations.view_callcapacity",
        "consultations.add_callcapacity",
        "consultations.change_callcapacity",
        "consultations.delete_callcapacity",
        "consultations.view_blockedtime",
        "consultations.add_blockedtime",
        "consultations.change_blockedtime",
        "consultations.delete_blockedtime",
    ],
    # Keep the FAQ current; nothing else.
    CONTENT_EDITORS: [
        "faq.view_category",
        "faq.add_category",
        "faq.change_category",
        "faq.delete_category",
        "faq.view_question",
        "faq.add_question",
        "faq.change_question",
        "faq.delete_question",
        # What readers tell the FAQ: synonyms to manage, votes, notes and failed searches to read.
        "faq.view_synonym",
        "faq.add_synonym",
        "faq.change_synonym",
        "faq.delete_synonym",
        "faq.view_questionhelpfulness",
        "faq.view_feedback",
        "faq.delete_feedback",
        "faq.view_missedsearch",
        "faq.delete_missedsearch",
    ],
    # The only staff who can mark an answer medically reviewed; they read what they review.
    CLINICAL_REVIEWERS: [
        "faq.view_question",
        "faq.review_question",
    ],
}


def apply_staff_roles(app_config, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs):
    """post_migrate handler: make each group in STAFF_ROLES hold exactly its permissions.

    `migrate` sends post_migrate once per app; the roles are applied once, on the last app's
    signal, when every app's migrations have run.
    """
    if app_config is not last_migrated_app():
        return
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:
        return  # auth is not migrated (yet)
    if not router.allow_migrate_model(using, Group):
        return
    labels = {name.split(".", 1)[0] for names in STAFF_ROLES.values() for name in names}
    for label in sorted(labels):
        installed = global_apps.get_app_config(label)  # a misspelt app label stops `migrate`
        try:
            apps.get_app_config(label)
        except LookupError:
            return  # that app is not migrated (yet): the next full migrate applies the roles
        # Django creates an app's permissions on that app's own signal, which for the last app
        # comes after this handler; creating them here first only adds what is missing.
        create_permissions(
            installed,
            verbosity=0,
            interactive=False,
            using=using,
            apps=apps,
        )

    wanted = {name: permissions(Permission, names, using) for name, names in STAFF_ROLES.items()}
    with transaction.atomic(using=using):
        for name, grants in wanted.items():
            group, _ = Group.objects.using(using).get_or_create(name=name)
            group.permissions.set(grants)


def permissions(Permission, names, using):
    """The Permission rows for "app_label.codename" names; an unknown name stops `migrate`."""
    pairs = {tuple(name.split(".", 1)) for name in names}
    if not pairs:
        return []
    query = Q()
    for app_label, codename in pairs:
        query |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.using(using).filter(query).select_related("content_type"))
    missing = pairs - {(grant.content_type.app_label, grant.codename) for grant in found}
    if missing:
        raise ImproperlyConfigured(
            "STAFF_ROLES in clinic/roles.py names permissions that do not exist: "
            + ", ".join(sorted(".".join(pair) for pair in missing))
        )
    return found


def last_migrated_app():
    """The app whose post_migrate signal `migrate` sends last (the last installed with models)."""
    return [config for config in global_apps.get_app_configs() if config.models_module][-1]
