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

    def get_user(self, user_id):
        """The user of a signed-in request, with their expert profile (or its absence) in the same query:
        every page's menu asks whether the user is an expert."""
        user = User._default_manager.select_related("expert").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
