"""The API list's rows built from values() (issue 17) are ApplicationSerializer's output field for field, for every
kind of case and reader, in the same order and through the same cursor pages."""

from __future__ import annotations

import pytest
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from applications.models import Application, Route, Specialty
from applications.selectors import application_list
from applications.serializers import ApplicationSerializer
from publicity import services as pub
from publicity.models import Publicity
from tests.factories import submit

pytestmark = pytest.mark.django_db


def _plain(user, apps) -> list[dict]:
    """DRF's own Serializer.to_representation (not the lean one) on model instances."""
    request = APIRequestFactory().get("/api/v1/applications/")
    request.user = user
    ser = ApplicationSerializer(context={"request": request})
    return [serializers.Serializer.to_representation(ser, app) for app in apps]


def _pages(client, params) -> list[dict]:
    rows, url, query = [], "/api/v1/applications/", params
    while url:
        body = client.get(url, query).json()
        rows += body["results"]
        url, query = body["next"], None
    return rows


def test_list_rows_equal_the_serializer(api, world, in_window):
    drafts = [world.draft() for _ in range(3)]
    initial = world.draft(route=Route.INITIAL)
    sent = [submit(app) for app in drafts[:2]]
    specialty = Specialty.objects.filter(series=sent[0].series).first()
    if specialty is not None:
        Application.objects.filter(pk=sent[0].pk).update(specialty=specialty)
    pub.publicity_start(kind=Publicity.Kind.UNIT, applications=[sent[1]], actor=world.unit_reviewer)
    readers = [world.supervisor, world.unit_reviewer, world.clerk, drafts[0].applicant.user, initial.applicant.user]
    for user in readers:
        for params in ({}, {"ordering": "id", "page_size": 2}, {"page_size": 1}):
            got = _pages(api(user), params)
            order = ("id",) if params.get("ordering") else ("-id",)
            expected = _plain(user, list(application_list(user=user).order_by(*order)))
            assert got == expected, (user.username, params)
    seen = _pages(api(world.supervisor), {})
    assert {r["route"] for r in seen} == {Route.REVIEW, Route.INITIAL}
    assert any(r["committee"] for r in seen) and any(r["committee"] is None for r in seen)
    assert any(r["held_until"] for r in seen) and any(r["submitted_at"] is None for r in seen)
