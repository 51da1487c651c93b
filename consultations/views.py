import logging
from datetime import date, timedelta
from urllib.parse import urlencode

from django.core import signing
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import CreateView, TemplateView

from clinic.client_address import client_address
from clinic.keyed_hash import keyed_hash

from . import services
from .forms import ConsultationRequestForm

logger = logging.getLogger(__name__)

CALL_DATE_SALT = "consultations.thanks.call-by"
# The thanks page is seen right after sending; an old link falls back to the general wording.
CALL_DATE_MAX_AGE = timedelta(days=2)


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

    def post(self, request, *args, **kwargs):
        self.object = None
        form = self.get_form()
        if form.is_bot():
            # Counted in the log (never the content) so a real person caught by it can be noticed.
            logger.warning("Consultation form: the hidden field was filled; nothing stored.")
            return redirect(self.success_url)
        if form.is_valid():
            return self.form_valid(form)
        return self.form_invalid(form)

    def form_valid(self, form):
        try:
            self.object = services.submit_request(
                consultation=form.save(commit=False),
                fingerprint=form.fingerprint(),
                client_key=client_key(client_address(self.request)),
            )
        except services.OverHourlyLimit:
            # The form comes back filled in, so nothing typed is lost; the page says to call.
            context = self.get_context_data(form=form, rate_limited=True)
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = "3600"
            return response
        if self.object is None:  # the same request again: thanked, with the general wording
            return redirect(self.success_url)
        token = signing.dumps(
            self.object.promised_call_date().isoformat(), salt=CALL_DATE_SALT, compress=False
        )
        return redirect(f"{self.success_url}?{urlencode({'by': token})}")


@method_decorator(never_cache, name="dispatch")
class ThanksView(TemplateView):
    """The thanks page: the date to expect the call when the link carries a valid signed date
    (only the date: nothing about the patient), the general wording otherwise."""

    template_name = "consultations/thanks.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "call_by": self.call_by()}

    def call_by(self):
        token = self.request.GET.get("by", "")
        if not token or len(token) > 200:
            return None
        try:
            value = signing.loads(token, salt=CALL_DATE_SALT, max_age=CALL_DATE_MAX_AGE)
            return date.fromisoformat(value)
        except (signing.BadSignature, TypeError, ValueError):
            return None
