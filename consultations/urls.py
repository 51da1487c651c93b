from django.urls import path
from django.views.generic import TemplateView

app_name = "consultations"

# Placeholder pages until the consultation form lands.
urlpatterns = [
    path("", TemplateView.as_view(template_name="consultations/request.html"), name="request"),
    path("thanks/", TemplateView.as_view(template_name="consultations/thanks.html"), name="thanks"),
]
