from allauth.account.auth_backends import AuthenticationBackend

from sangtao.accounts.models import User


class EmailOrUsernameBackend(AuthenticationBackend):
    """Log in with either the username or the email address.

    It is allauth's backend class too, so the accounts allauth logs in (sign-up, single sign-on,
    e-mail confirmation) are kept in the session under this one backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        login = username.strip()
        field = "email__iexact" if "@" in login else "username__iexact"
        user = User.objects.filter(**{field: login}).first()
        if user is None:
            User().set_password(password)  # same cost as a real check: no timing hint
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
