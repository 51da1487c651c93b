"""Fill the new fields of existing requests: the phone number's keyed hash, when the first call
was made and how much business time it took. Reversing leaves the filled fields. (What intake
staff may do with phone-in requests and closure days is in clinic/roles.py.)"""

from django.conf import settings
from django.db import migrations
from django.db.models import Min
from django.utils.crypto import salted_hmac

from consultations.business_days import (
    ClinicCalendar,
    add_business_days,
    business_seconds_between,
)


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


class Migration(migrations.Migration):
    dependencies = [("consultations", "0006_call_back_promise")]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
