"""API tokens that expire (issue 16). Kept apart from zhicheng.api: DRF imports its authentication classes while
`rest_framework.views` loads, before zhicheng.api could finish importing."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


def token_expired(token) -> bool:
    ttl = dt.timedelta(hours=settings.ZHICHENG["API_TOKEN_TTL_HOURS"])
    return token.created + ttl <= timezone.now()


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token …` valid for API_TOKEN_TTL_HOURS after it was issued; a password change revokes it
    (zhicheng.models.User.save). An expired token is deleted on first use."""

    def token_lookup(self, key):
        """The token with its user (one query), or None; a subclass may read more of the user in it."""
        return self.get_model().objects.select_related("user").filter(key=key).first()

    def authenticate_credentials(self, key):
        token = self.token_lookup(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))  # DRF's text and its Chinese
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        user = token.user
        if token_expired(token):
            token.delete()
            raise exceptions.AuthenticationFailed("令牌已过期，请重新获取")
        return user, token
