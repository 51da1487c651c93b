from django.conf import settings


def clinic(request):
    """Expose the clinic's facts (name, phone, address) to every template."""
    return {"clinic": settings.CLINIC}
