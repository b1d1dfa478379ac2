"""The survey's session: the visit's unit and respondent kept in columns, read with the unit by the session's key."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.middleware import SessionMiddleware
from django.contrib.sessions.models import Session as DjangoSession
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from omnibus.collect.visit import SESSION_RESPONDENT, SESSION_UNIT, current_visit, sign_in, sign_out
from omnibus.core.models import Session
from omnibus.fieldwork.models import Respondent, WaveUnit

from .conftest import signed_in

pytestmark = pytest.mark.django_db


def test_a_signed_in_session_keeps_its_unit_and_respondent_in_columns(unit: WaveUnit) -> None:
    client = signed_in(unit, name="Grace Example")
    row = Session.objects.get(session_key=client.session.session_key)
    respondent = Respondent.objects.get(wave_unit=unit, name="Grace Example")
    assert (row.wave_unit_id, row.respondent_id) == (unit.pk, respondent.pk)
    assert row.get_decoded()[SESSION_UNIT] == unit.pk  # the data keeps them too

    client.post("/survey/stop/")  # signing out ends the session's row
    assert not Session.objects.filter(session_key=row.session_key).exists()


def test_a_page_is_read_by_the_session_s_columns_not_its_data(unit: WaveUnit) -> None:
    other_unit = unit.wave.units.order_by("name").last()
    client = signed_in(unit)
    menu = client.get("/survey/sections/")
    assert "Barking and Dagenham" in menu.content.decode()
    assert "Cookie" in menu["Vary"]  # the page depends on the session, as when its data was read
    # The columns say which unit a request is for: the data is not decoded on the survey's pages.
    Session.objects.filter(session_key=client.session.session_key).update(wave_unit_id=other_unit.pk)
    page = client.get("/survey/sections/").content.decode()
    assert other_unit.name in page and "Barking and Dagenham" not in page
    Session.objects.filter(session_key=client.session.session_key).update(wave_unit_id=None)
    assert client.get("/survey/sections/").url == "/survey/"  # not signed in


def test_a_session_changed_in_the_same_request_is_read_from_its_data(unit: WaveUnit) -> None:
    request = RequestFactory().get("/survey/sections/")
    SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    assert current_visit(request) is None  # no session yet
    sign_in(request, unit, name="Ada Example")  # not saved until the response
    visit = current_visit(request, lock=False)
    assert visit.wave_unit.pk == unit.pk and visit.respondent.name == "Ada Example"
    sign_out(request)
    assert current_visit(request) is None


def test_sessions_open_at_the_upgrade_move_to_the_new_table_with_their_ids(unit: WaveUnit) -> None:
    migration = importlib.import_module("omnibus.core.migrations.0003_session")
    store = DjangoSessionStore()
    signed = DjangoSession.objects.create(
        session_key="a" * 32,
        session_data=store.encode({SESSION_UNIT: unit.pk, SESSION_RESPONDENT: 7}),
        expire_date=timezone.now() + timedelta(days=1),
    )
    anonymous = DjangoSession.objects.create(
        session_key="b" * 32, session_data=store.encode({"other": 1}), expire_date=signed.expire_date
    )
    migration.move_sessions(apps, None)
    moved = {row.session_key: row for row in Session.objects.filter(session_key__in=["a" * 32, "b" * 32])}
    assert (moved["a" * 32].wave_unit_id, moved["a" * 32].respondent_id) == (unit.pk, 7)
    assert (moved["b" * 32].wave_unit_id, moved["b" * 32].respondent_id) == (None, None)
    assert moved["a" * 32].session_data == signed.session_data and moved["b" * 32].get_decoded() == {"other": 1}
    assert not DjangoSession.objects.filter(pk__in=[signed.pk, anonymous.pk]).exists()


def test_clearsessions_removes_the_expired_sessions_of_the_project_s_table(unit: WaveUnit) -> None:
    from django.core.management import call_command

    live, expired = signed_in(unit).session.session_key, signed_in(unit).session.session_key
    Session.objects.filter(session_key=expired).update(expire_date=timezone.now() - timedelta(seconds=1))
    call_command("clearsessions")
    assert list(Session.objects.filter(session_key__in=[live, expired]).values_list("session_key", flat=True)) == [live]
