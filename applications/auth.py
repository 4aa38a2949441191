"""Sign-in by username, ID document number or mobile phone, with the password (issue 13 item 1).

The ID number is found through its keyed hash (ApplicantProfile.id_hash, unique index); every document kind is
tried, since the person types only the number. django-axes sits before this backend and locks out by what was typed.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .idcard import id_hash, normalise_id


def resolve_login(identifier: str):
    """The user an identifier names: username first, then ID document number, then mobile phone; or None."""
    User = get_user_model()
    value = (identifier or "").strip()
    if not value:
        return None
    user = User.objects.filter(username=value).first()
    if user is not None:
        return user
    from .models import ApplicantProfile

    hashes = [id_hash(kind, normalise_id(value)) for kind in ApplicantProfile.IdKind.values]
    profile = ApplicantProfile.objects.filter(id_hash__in=hashes).select_related("user").first()
    if profile is not None:
        return profile.user
    by_phone = list(User.objects.filter(phone=value)[:2])
    return by_phone[0] if len(by_phone) == 1 else None


class IdOrPhoneBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = resolve_login(username)
        if user is None:
            get_user_model()().set_password(password)  # same work as a real check: no timing hint
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
