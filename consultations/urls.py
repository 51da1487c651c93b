from django.urls import path

from . import call_views, views

app_name = "consultations"

urlpatterns = [
    path("", views.ConsultationRequestView.as_view(), name="request"),
    path("thanks/", views.ThanksView.as_view(), name="thanks"),
    path("call/<str:token>/", call_views.change_call, name="call"),
]
