"""The site's URLs plus views that fail on purpose, for the error page tests."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from clinic.urls import handler400, handler403, handler500, urlpatterns  # noqa: F401


def refuse(request):
    raise PermissionDenied


def crash(request):
    raise RuntimeError("an unexpected failure")


urlpatterns = [
    path("refuse/", refuse),
    path("crash/", crash),
    *urlpatterns,
]
