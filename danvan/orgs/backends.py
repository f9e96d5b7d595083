from django.contrib.auth.backends import ModelBackend

from danvan.orgs.models import User


class UsernameOrEmailBackend(ModelBackend):
    """Log in with a username or an e-mail address (case-insensitive)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if not username or password is None:
            return None
        try:
            user = User.objects.get_by_login(username)
        except (User.DoesNotExist, User.MultipleObjectsReturned):
            User().set_password(password)  # same cost as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
