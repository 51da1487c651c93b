from django.conf import settings
from django.views.debug import SafeExceptionReporterFilter


def client_ip(request):
    """The visitor's address: the socket's, or the one the trusted proxies put in front of theirs.

    Each of TRUSTED_PROXY_COUNT proxies appends the address it received the request from to
    X-Forwarded-For, so the visitor's address is that many entries from the right. Anything left
    of it was written by the client and cannot be trusted.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


class PersonalDataExceptionReporterFilter(SafeExceptionReporterFilter):
    """Error reports that carry no submitted values and no local variables, DEBUG or not."""

    def is_active(self, request):
        return True

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]
