from django.contrib import admin

from .models import ConsultationRequest


# The minimum that gives each request its admin page, the link staff emails point to.
# The staff side of the admin (lists, filters, call log, actions) replaces this class.
@admin.register(ConsultationRequest)
class ConsultationRequestAdmin(admin.ModelAdmin):
    pass
