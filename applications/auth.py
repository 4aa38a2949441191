"""Sign-in by username, ID document number or mobile phone, with the password (issue 13 item 1).

The ID number is found through its keyed hash (ApplicantProfile.id_hash, unique index); every document kind is
tried, since the person types only the number. django-axes sits before this backend and locks out by what was typed.
"""

from __future__ import annotations

import json

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connection

from organisations.models import RoleMembership
from organisations.permissions import membership_columns, memberships_preload
from zhicheng.authentication import ExpiringTokenAuthentication

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

    def get_user(self, user_id):
        """The signed-in user of a session, with their applicant record's id and role memberships read in the same
        query (issue 17: every page asks both, which then need no query of their own)."""
        user, _ = signed_in_load(user_id=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


_SQL: dict[tuple[str, str], str] = {}


def _signed_in_sql(by: str, vendor: str) -> str:
    """One statement for a signed-in request: the user's row, the id of their applicant record and their role
    memberships as a JSON array (and, by token, the token). Built once per process from the models' metadata."""
    key = (by, vendor)
    if key in _SQL:
        return _SQL[key]
    from rest_framework.authtoken.models import Token

    from .models import ApplicantProfile

    user_meta, profile, roles = get_user_model()._meta, ApplicantProfile._meta, RoleMembership._meta.db_table
    cols = ", ".join(f'u."{f.column}"' for f in user_meta.concrete_fields)
    pairs = ", ".join(f"'{c}', m.\"{c}\"" for c in membership_columns())
    agg = (
        f"jsonb_agg(jsonb_build_object({pairs}))"
        if vendor == "postgresql"
        else f"json_group_array(json_object({pairs}))"
    )
    fk = profile.get_field("user").column
    sql = (
        f'SELECT {cols}, p."id" AS "zc_profile_id", '
        f'(SELECT {agg} FROM "{roles}" m WHERE m."user_id" = u."id") AS "zc_roles"'
    )
    if by == "token":
        t = Token._meta
        sql += f', t."created" AS "zc_token_created" FROM "{t.db_table}" t'
        sql += f' JOIN "{user_meta.db_table}" u ON u."id" = t."user_id"'
    else:
        sql += f' FROM "{user_meta.db_table}" u'
    sql += f' LEFT JOIN "{profile.db_table}" p ON p."{fk}" = u."id"'
    sql += ' WHERE t."key" = %s' if by == "token" else ' WHERE u."id" = %s'
    _SQL[key] = sql
    return sql


_COLUMNS: dict[tuple[str, str], tuple[list[str], list]] = {}


def _user_columns(conn):
    """The user model's field names in the statement's column order, and for each column that needs one the chain
    of database converters Django would apply (e.g. SQLite's booleans and dates), looked up once per alias."""
    key = (conn.alias, conn.vendor)
    if key not in _COLUMNS:
        fields = get_user_model()._meta.concrete_fields
        converters = []
        for i, field in enumerate(fields):
            col = field.get_col(field.model._meta.db_table)
            chain = conn.ops.get_db_converters(col) + field.get_db_converters(conn)
            if chain:
                converters.append((i, col, chain))
        _COLUMNS[key] = ([f.attname for f in fields], converters)
    return _COLUMNS[key]


def signed_in_load(*, user_id=None, token_key=None):
    """(user, token) for a session's user id or an API token's key, in one query; (None, None) when not found.
    The user carries what applicant_profile_id and memberships read, so neither queries again this request."""
    from rest_framework.authtoken.models import Token

    by = "token" if token_key is not None else "user"
    if by == "user":
        try:
            user_id = get_user_model()._meta.pk.to_python(user_id)
        except ValidationError:  # a malformed id in a session
            return None, None
    # A plain cursor and the model's own from_db: RawQuerySet's per-query column mapping and converter lookup cost
    # more than the statement itself on a signed-in request (issue 17).
    with connection.cursor() as cursor:
        cursor.execute(_signed_in_sql(by, connection.vendor), [token_key or user_id])
        row = cursor.fetchone()
    if row is None:
        return None, None
    names, converters = _user_columns(connection)
    values = list(row[: len(names)])
    for i, col, chain in converters:
        for convert in chain:
            values[i] = convert(values[i], col, connection)
    user = get_user_model().from_db(connection.alias, names, values)
    profile_id, roles = row[len(names)], row[len(names) + 1]
    if isinstance(roles, str):
        roles = json.loads(roles)
    user._zc_profile_id = profile_id
    memberships_preload(user, sorted(roles or [], key=lambda r: r["id"]), alias=connection.alias)
    token = None
    if by == "token":
        created = row[len(names) + 2]
        if isinstance(created, str) or getattr(created, "tzinfo", True) is None:  # SQLite: its own converter
            created = connection.ops.convert_datetimefield_value(created, None, connection)
        token = Token.from_db(connection.alias, ["key", "user_id", "created"], [token_key, user.pk, created])
        token.user = user
    return user, token


class ApplicantTokenAuthentication(ExpiringTokenAuthentication):
    """The API's token sign-in: the token, its user, their applicant record id and memberships in one query."""

    def token_lookup(self, key):
        return signed_in_load(token_key=key)[1]
