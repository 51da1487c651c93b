"""Staff sessions in the database, their idle timeout renewed at most once a minute."""

from datetime import timedelta

from django.contrib.sessions.backends import db
from django.utils import timezone

RENEWED_AT_MOST_EVERY = timedelta(minutes=1)


class SessionStore(db.SessionStore):
    """A session that ends after SESSION_COOKIE_AGE idle seconds, up to a minute earlier.

    SESSION_SAVE_EVERY_REQUEST saves each session on every request to push its expiry on. A
    session whose data did not change is written only when its expiry was last pushed on a
    minute ago or more: encoding, signing and writing it on each of a staff member's page views
    cost more than a simple page. The expiry stored is never later than with a save on every
    request.
    """

    stored_expiry = None

    def _get_session_from_db(self):
        stored = super()._get_session_from_db()
        self.stored_expiry = stored.expire_date if stored else None
        return stored

    def save(self, must_create=False):
        if must_create or self.modified or not self.renewed_recently():
            super().save(must_create)
            self.stored_expiry = None

    def renewed_recently(self):
        if self.stored_expiry is None:
            return False
        renewed_at = self.stored_expiry - timedelta(seconds=self.get_expiry_age())
        return timezone.now() - renewed_at < RENEWED_AT_MOST_EVERY
