"""Control characters stopped at the edge: a path with a NUL is a 400 page, values sent lose them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.collect.conftest import answer, code_of

pytestmark = pytest.mark.django_db


def test_only_tab_line_feed_and_carriage_return_are_kept():
    from omnibus.core.control_characters import without_control

    assert without_control("a\x00b\x07c\x1bd\x7fe\tf\ng\rh") == "abcde\tf\ng\rh"


def test_a_path_with_a_nul_is_a_400_page_saying_why(client: Client):
    for path in ("/questionnaires/cso/%00/", "/survey/sections/csc/%01/", "/s/ABCD%00"):
        response = client.get(path)
        assert response.status_code == 400, path
        assert "control character" in response.content.decode()


def test_a_query_string_loses_its_control_characters(client: Client):
    response = client.get("/frame/", {"as_of": "2017-09-01\x00"})
    assert response.status_code == 200 and "\x00" not in response.content.decode()


def test_a_respondents_name_role_and_answers_are_stored_without_them(make_wave):
    from omnibus.collect.models import Answer
    from omnibus.fieldwork.models import Respondent

    unit = make_wave("w3").units.order_by("name").first()
    client = Client()
    signed = {"code": code_of(unit), "name": "Ada\x00 Example", "role": "Ana\x0blyst"}
    assert client.post("/survey/", signed).status_code == 302
    assert answer(client, "csc", "SWreturn", {"SWreturn": "Return\x00 to practice"}).status_code == 302
    assert Answer.objects.get(wave_unit=unit, key="SWreturn").value == "Return to practice"
    assert Respondent.objects.filter(name="Ada Example", role="Analyst").exists()


def test_office_forms_store_contacts_and_theme_labels_without_them(researcher: Client, small_wave, wave):
    from omnibus.coding.codings import code_frame_of

    unit = small_wave("w3").units.select_related("unit").order_by("name").first()
    url = reverse("office:unit_contacts", args=["w3", unit.unit.key])
    data = {"action": "add", "name": "Ada\x00 Example", "email": "ada@example.com", "role": "Le\x00ad"}
    assert researcher.post(url, data).status_code == 302
    assert (unit.contacts.get().name, unit.contacts.get().role) == ("Ada Example", "Lead")
    screen = f"/office/coding/{wave.slug}/SocImprov/"
    assert researcher.post(screen, {"action": "add_theme", "label": "Work\x00force"}).status_code == 302
    assert code_frame_of(wave, "SocImprov").themes.filter(label="Workforce").exists()
