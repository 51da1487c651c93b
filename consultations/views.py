import logging
from datetime import date, timedelta
from functools import cache
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages import get_messages
from django.core import signing
from django.db import DatabaseError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import CreateView, TemplateView

from clinic.client_address import client_address
from clinic.context_processors import site_origin
from clinic.keyed_hash import keyed_hash

from . import services
from .call_forms import CallTimeForm, parse_slot
from .forms import ConsultationRequestForm
from .kept_pages import render_kept
from .slots import SlotBook, describe_slot, recent_slot_book

logger = logging.getLogger(__name__)

CALL_DATE_SALT = "consultations.thanks.call-by"
CALL_TIME_SALT = "consultations.thanks.call-at"
# The thanks page is seen right after sending; an old link falls back to the general wording.
CALL_DATE_MAX_AGE = timedelta(days=2)


@cache
def field_names(*form_classes):
    """The names of the fields of these form classes."""
    return frozenset(name for form_class in form_classes for name in form_class.base_fields)


def client_key(address):
    """A keyed hash of the client's address: counts submissions without storing the address."""
    return keyed_hash(address, purpose="consultations.client")


@method_decorator(never_cache, name="dispatch")
@method_decorator(
    sensitive_post_parameters("name", "phone", "email", "note", "call_language_other"),
    name="dispatch",
)
class ConsultationRequestView(CreateView):
    """The patient's form. Valid, new and within the limit: stored, staff told, thanks page."""

    form_class = ConsultationRequestForm
    template_name = "consultations/request.html"
    success_url = reverse_lazy("consultations:thanks")

    def get_context_data(self, **kwargs):
        if "call_form" not in kwargs:
            # A posted form shown again from outside this view (the database away, an expired
            # form token) keeps the call time and email choices too.
            posted = self.request.POST if self.request.method == "POST" else {}
            kwargs["call_form"] = CallTimeForm(
                initial={
                    "call_at": posted.get("call_at"),
                    "confirm_by_email": "confirm_by_email" in posted,
                    "remind_by_email": "remind_by_email" in posted,
                },
                slots=self.slots,
                show_day=posted.get("show_day"),
            )
        return super().get_context_data(**kwargs)

    @cached_property
    def slots(self):
        try:
            return recent_slot_book.get()
        except DatabaseError:
            # The rest of the form needs no database: patients can still fill it in.
            logger.warning("Call times could not be read: the database is unavailable.")
            return SlotBook.unavailable_now()

    def get(self, request, *args, **kwargs):
        self.object = None
        return self.render_form_page(self.get_context_data)

    def render_form_page(self, get_context, sent=None):
        """The form, empty or sent back empty with its errors: a kept copy, as nothing on it is
        this visitor's own (consultations.kept_pages), unless it shows them a message."""
        key = self.kept_page_key(sent)
        if key is None:
            return self.render_to_response(get_context())
        return HttpResponse(render_kept(key, self.template_name, get_context, self.request))

    def kept_page_key(self, sent):
        """Everything the page shows besides the fields ``sent`` empty, or None when it must be
        rendered for this visitor alone."""
        request = self.request
        if settings.DEBUG or get_messages(request):
            return None
        return (get_language(), site_origin(request), request.path, self.slots.shown, sent)

    def fields_sent_empty(self):
        """The names of the fields sent, when every one was sent empty (nothing typed or
        chosen) and nothing else was sent; None otherwise. Such a form always comes back with
        the same errors: those of the fields sent empty."""
        data = self.request.POST
        names = set(data) - {"csrfmiddlewaretoken"}
        if self.request.FILES or not names <= field_names(self.form_class, CallTimeForm):
            return None
        if any(value for name in names for value in data.getlist(name)):
            return None
        return tuple(sorted(names))

    def post(self, request, *args, **kwargs):
        self.object = None
        sent_empty = self.fields_sent_empty()
        if sent_empty is not None:
            return self.render_form_page(lambda: self.sent_back(*self.checked()), sent_empty)
        form = self.get_form()
        if form.is_bot():
            # Counted in the log (never the content) so a real person caught by it can be noticed.
            logger.warning("Consultation form: the hidden field was filled; nothing stored.")
            return redirect(self.success_url)
        if "show_day" in request.POST:
            # Another day of call times: the same page again, everything typed kept, no errors.
            return self.render_to_response(self.get_context_data(**self.typed(request.POST)))
        form, call_form = self.checked(form)
        if form.is_valid() and call_form.is_valid():
            return self.form_valid(form, call_form)
        return self.render_to_response(self.sent_back(form, call_form))

    def checked(self, form=None):
        """The request form and the call time form, validated."""
        form = form or self.get_form()
        # The free times are read only if the form is shown again or a time was chosen.
        call_form = CallTimeForm(self.request.POST, slots=SimpleLazyObject(lambda: self.slots))
        if form.is_valid() & call_form.is_valid():  # both validated, so both show their errors
            call_form.check_email(form.cleaned_data["email"])
        return form, call_form

    def sent_back(self, form, call_form):
        """The context of the form shown again with its errors."""
        for errors in call_form.errors.values():
            # Listed in the summary at the top as well, where the patient looks first.
            for error in errors:
                form.add_error(None, error)
        return self.get_context_data(form=form, call_form=call_form)

    def typed(self, data, *, drop_call_time=False):
        """Unbound forms that show what was typed, for a page that is not a submission."""
        initial = {
            name: data.getlist(name) if name == "best_times" else data.get(name)
            for name in data
            if name != "csrfmiddlewaretoken"
        }
        if drop_call_time:
            initial.pop("call_at", None)
        return {
            "form": self.form_class(initial=initial),
            "call_form": CallTimeForm(
                initial=initial, slots=self.slots, show_day=data.get("show_day")
            ),
        }

    def form_valid(self, form, call_form):
        consultation = form.save(commit=False)
        call_at = call_form.cleaned_data["call_at"]
        if call_at is not None:
            consultation.call_confirmation_wanted = call_form.cleaned_data["confirm_by_email"]
            consultation.call_reminder_wanted = call_form.cleaned_data["remind_by_email"]
        try:
            self.object = services.submit_request(
                consultation=consultation,
                fingerprint=form.fingerprint(),
                client_key=client_key(client_address(self.request)),
                call_at=call_at,
            )
        except services.OverHourlyLimit:
            # The form comes back filled in, so nothing typed is lost; the page says to call.
            context = self.get_context_data(form=form, call_form=call_form, rate_limited=True)
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = "3600"
            return response
        except services.SlotTaken:
            # Free when the page loaded, full (or blocked) now: the form again, with what was
            # typed, a plain message and the next free times.
            recent_slot_book.forget()
            self.__dict__.pop("slots", None)
            context = self.get_context_data(
                **self.typed(self.request.POST, drop_call_time=True),
                slot_taken=True,
                next_free=[describe_slot(slot) for slot in self.slots.next_free()],
            )
            return self.render_to_response(context, status=409)
        if self.object is None:  # the same request again: thanked, with the general wording
            return redirect(self.success_url)
        query = {
            "by": signing.dumps(
                self.object.promised_call_date().isoformat(), salt=CALL_DATE_SALT, compress=False
            )
        }
        if self.object.call_at is not None:
            query["at"] = signing.dumps(
                self.object.call_at.isoformat(), salt=CALL_TIME_SALT, compress=False
            )
        return redirect(f"{self.success_url}?{urlencode(query)}")


@method_decorator(never_cache, name="dispatch")
class ThanksView(TemplateView):
    """The thanks page: the date to expect the call when the link carries a valid signed date
    (only the date: nothing about the patient), the general wording otherwise."""

    template_name = "consultations/thanks.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "call_by": self.call_by(),
            "call_time": self.call_time(),
        }

    def call_time(self):
        """The booked call time, from a signed token holding only that time."""
        token = self.request.GET.get("at", "")
        if not token or len(token) > 200:
            return None
        try:
            value = signing.loads(token, salt=CALL_TIME_SALT, max_age=CALL_DATE_MAX_AGE)
        except signing.BadSignature:
            return None
        slot = parse_slot(value)
        return describe_slot(slot) if slot else None

    def call_by(self):
        token = self.request.GET.get("by", "")
        if not token or len(token) > 200:
            return None
        try:
            value = signing.loads(token, salt=CALL_DATE_SALT, max_age=CALL_DATE_MAX_AGE)
            return date.fromisoformat(value)
        except (signing.BadSignature, TypeError, ValueError):
            return None
