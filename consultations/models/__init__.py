"""The consultation requests' models: the request (``requests``) and its filters
(``querysets``), what staff record beside it (``records``), and when the clinic can take calls
(``availability``)."""

from .availability import BlockedTime, CallCapacity, ClosureDay
from .querysets import ConsultationRequestQuerySet
from .records import AuditEntry, CallAttempt, DigestRun, DoNotContact
from .requests import ConsultationRequest, number_key

__all__ = [
    "AuditEntry",
    "BlockedTime",
    "CallAttempt",
    "CallCapacity",
    "ClosureDay",
    "ConsultationRequest",
    "ConsultationRequestQuerySet",
    "DigestRun",
    "DoNotContact",
    "number_key",
]
