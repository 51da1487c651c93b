import getpass
import os

from django.contrib.auth.management.commands import createsuperuser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

PASSWORD_VARIABLE = "DJANGO_SUPERUSER_PASSWORD"  # noqa: S105 (a variable name)


class Command(createsuperuser.Command):
    """Django's createsuperuser, without its offer to skip the password rules.

    The admin holds patients' contact details: the most powerful account gets a password that
    passes every validator in AUTH_PASSWORD_VALIDATORS, whether typed or given by environment.
    """

    help = "Create a superuser whose password passes every password rule (no bypass)."

    def handle(self, *args, **options):
        username_field = self.UserModel.USERNAME_FIELD
        if options["interactive"] and not os.environ.get(PASSWORD_VARIABLE):
            options[username_field] = options.get(username_field) or self.ask("Username: ")
            if options.get("email") is None and "email" in self.UserModel.REQUIRED_FIELDS:
                options["email"] = self.ask("Email address (optional): ", required=False)
            password = self.ask_for_password(options)
            options["interactive"] = False
            os.environ[PASSWORD_VARIABLE] = password
            try:
                return super().handle(*args, **options)
            finally:
                del os.environ[PASSWORD_VARIABLE]
        password = os.environ.get(PASSWORD_VARIABLE)
        if password is not None:
            try:
                validate_password(password, self.unsaved_user(options))
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
        return super().handle(*args, **options)

    def ask(self, prompt, required=True):
        while True:
            answer = input(prompt).strip()
            if answer or not required:
                return answer
            self.stderr.write("Error: This field cannot be blank.")

    def ask_for_password(self, options):
        while True:
            password = getpass.getpass()
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("Error: Your passwords didn't match.")
                continue
            try:
                validate_password(password, self.unsaved_user(options))
            except ValidationError as error:
                self.stderr.write("\n".join(error.messages))
                self.stderr.write("Please choose another password.")
                continue
            return password

    def unsaved_user(self, options):
        fields = {self.UserModel.USERNAME_FIELD: options.get(self.UserModel.USERNAME_FIELD) or ""}
        if "email" in self.UserModel.REQUIRED_FIELDS:
            fields["email"] = options.get("email") or ""
        return self.UserModel(**fields)
