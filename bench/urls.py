from django.http import HttpResponse
from django.urls import path

from clinic.urls import urlpatterns as site_urlpatterns


def minimal(request):
    """The least a Django view can do: the baseline the real pages are compared with."""
    return HttpResponse("OK", content_type="text/plain")


urlpatterns = [path("bench/minimal/", minimal), *site_urlpatterns]
