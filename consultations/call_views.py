"""The page a patient reaches from the link in their confirmation email: change or cancel the
booked call. It shows the booked time and nothing else about the request."""

from django.core import signing
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import call_links, services
from .call_forms import CallTimeForm
from .models import ConsultationRequest
from .slots import SlotBook, describe_slot

TEMPLATE = "consultations/call.html"


def _booking(token):
    """(request, None) for a link that works, else (None, the reason it does not)."""
    try:
        pk, version = call_links.read_token(token)
    except signing.BadSignature:
        return None, "invalid"
    consultation = (
        ConsultationRequest.objects.filter(pk=pk, personal_data_purged_at__isnull=True)
        .only("pk", "call_at", "call_version", "call_confirmation_wanted", "email")
        .first()
    )
    if consultation is None:
        return None, "invalid"
    if consultation.call_version != version or consultation.call_at is None:
        return None, "used"
    if consultation.call_at <= timezone.now():
        return None, "expired"
    return consultation, None


def _page(request, consultation, *, call_form=None, status=200, **context):
    slots = call_form.slots if call_form else SlotBook()
    return render(
        request,
        TEMPLATE,
        {
            "call_time": describe_slot(consultation.call_at),
            "call_form": call_form
            or CallTimeForm(
                slots=slots, offer_no_preference=False, show_day=request.POST.get("show_day")
            ),
            **context,
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def change_call(request, token):
    consultation, problem = _booking(token)
    if problem:
        return render(request, TEMPLATE, {"problem": problem}, status=410)
    if request.method == "GET" or "show_day" in request.POST:
        return _page(request, consultation, changed="changed" in request.GET)
    version = consultation.call_version
    if "cancel" in request.POST:
        try:
            services.cancel_call(consultation=consultation, version=version)
        except services.StaleBooking:
            return render(request, TEMPLATE, {"problem": "used"}, status=410)
        return render(request, TEMPLATE, {"cancelled": True})
    call_form = CallTimeForm(request.POST, slots=SlotBook(), offer_no_preference=False)
    if not call_form.is_valid():
        return _page(request, consultation, call_form=call_form, status=400)
    try:
        changed = services.change_call(
            consultation=consultation, call_at=call_form.cleaned_data["call_at"], version=version
        )
    except services.StaleBooking:
        return render(request, TEMPLATE, {"problem": "used"}, status=410)
    except services.SlotTaken:
        slots = SlotBook()
        return _page(
            request,
            consultation,
            call_form=CallTimeForm(slots=slots, offer_no_preference=False),
            status=409,
            slot_taken=True,
            next_free=[describe_slot(slot) for slot in slots.next_free()],
        )
    return redirect(call_links.change_path(changed) + "?changed=1")
