"""Fill the new fields of existing requests (the phone number's keyed hash, when the first call
was made and how much business time it took) and let intake staff add phone-in requests and
closure days. Reversing leaves the filled fields and removes the added permissions."""

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.models import Min
from django.utils.crypto import salted_hmac

from consultations.business_days import (
    ClinicCalendar,
    add_business_days,
    business_seconds_between,
)

INTAKE_GRANTS = [
    ("consultationrequest", ["add"]),
    ("closureday", ["view", "add", "change", "delete"]),
]


def phone_key(phone):
    if not phone:
        return ""
    return salted_hmac(
        "consultations.phone", phone, secret=settings.SECRET_KEY, algorithm="sha256"
    ).hexdigest()


def backfill(apps, schema_editor):
    ConsultationRequest = apps.get_model("consultations", "ConsultationRequest")
    calendar = ClinicCalendar(closure_days=[])
    requests = ConsultationRequest.objects.annotate(first_call=Min("call_attempts__called_at"))
    for consultation in requests.iterator(chunk_size=1000):
        consultation.phone_key = phone_key(consultation.phone)
        fields = ["phone_key"]
        if consultation.first_call is not None:
            due = add_business_days(
                consultation.created_at, settings.CONSULTATION_OVERDUE_BUSINESS_DAYS, calendar
            )
            consultation.first_called_at = consultation.first_call
            consultation.business_seconds_to_first_call = business_seconds_between(
                consultation.created_at, consultation.first_call, calendar
            )
            consultation.first_call_on_time = consultation.first_call <= due
            fields += ["first_called_at", "business_seconds_to_first_call", "first_call_on_time"]
        consultation.save(update_fields=fields)


def grant_intake(apps, schema_editor):
    app_config = apps.get_app_config("consultations")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    finally:
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Intake staff").first()
    if group is None:
        return
    for model, actions in INTAKE_GRANTS:
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="consultations",
                content_type__model=model,
                codename__in=[f"{action}_{model}" for action in actions],
            )
        )


def revoke_intake(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Intake staff").first()
    if group is None:
        return
    for model, actions in INTAKE_GRANTS:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="consultations",
                codename__in=[f"{action}_{model}" for action in actions],
            )
        )


class Migration(migrations.Migration):
    dependencies = [("consultations", "0006_call_back_promise")]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunPython(grant_intake, revoke_intake),
    ]
