import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import CreateView

from .forms import ConsultationRequestForm
from .models import ConsultationRequest
from .tasks import notify_staff_of_request

logger = logging.getLogger(__name__)


def client_address(request):
    """The address of the client, trusting X-Forwarded-For only as far as our own proxies.

    With CONSULTATION_TRUSTED_PROXIES = N, each of our N proxies appended the address it saw, so
    the client is the Nth entry from the right; anything left of it came from the client and can
    be forged. With 0 (no proxy), or a header shorter than that, it is REMOTE_ADDR.
    """
    proxies = settings.CONSULTATION_TRUSTED_PROXIES
    if proxies > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def client_key(address):
    """A keyed hash of the client's address: counts submissions without storing the address."""
    return salted_hmac(
        "consultations.client", address, secret=settings.SECRET_KEY, algorithm="sha256"
    ).hexdigest()


def lock_submissions(*keys):
    """Serialise submissions that share a client or a fingerprint, across every app server.

    PostgreSQL: transaction-level advisory locks, taken in the order given and released at
    commit. SQLite: each transaction already takes the database's write lock when it begins
    (transaction_mode IMMEDIATE in settings), so nothing more is needed.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(key[:15], 16)])


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
        key = client_key(client_address(self.request))
        fingerprint = form.fingerprint()
        with transaction.atomic():
            lock_submissions(key, fingerprint)
            now = timezone.now()
            duplicate_since = now - timedelta(
                minutes=settings.CONSULTATION_DUPLICATE_WINDOW_MINUTES
            )
            if ConsultationRequest.objects.filter(
                submission_fingerprint=fingerprint, created_at__gte=duplicate_since
            ).exists():
                return redirect(self.success_url)
            recent_from_client = ConsultationRequest.objects.filter(
                client_key=key, created_at__gte=now - timedelta(hours=1)
            ).count()
            if recent_from_client >= settings.CONSULTATION_RATE_LIMIT_PER_HOUR:
                logger.warning("Consultation request refused: a client is over the hourly limit.")
                # The form comes back filled in, so nothing typed is lost; the page says to call.
                response = self.render_to_response(
                    self.get_context_data(form=form, rate_limited=True), status=429
                )
                response["Retry-After"] = "3600"
                return response
            form.instance.client_key = key
            form.instance.submission_fingerprint = fingerprint
            self.object = form.save()
            transaction.on_commit(
                partial(notify_staff_of_request.enqueue, self.object.pk), robust=True
            )
        logger.info("%s received.", self.object)
        return redirect(self.success_url)
