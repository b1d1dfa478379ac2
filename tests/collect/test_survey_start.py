"""Starting the survey: codes, links, throttling, waves not open."""

from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from omnibus.core.models import AccessAttempt
from omnibus.core.throttle import PEER_FACTOR, REFUSE_AFTER, SLOW_AFTER
from omnibus.fieldwork.codes import ALPHABET
from omnibus.fieldwork.models import Respondent, Wave, WaveUnit

from .conftest import code_of

pytestmark = pytest.mark.django_db


def test_the_invitation_link_is_exchanged_for_a_session_and_leaves_the_address(unit: WaveUnit) -> None:
    client = Client()
    followed = client.get(f"/s/{code_of(unit)}")
    assert followed.status_code == 302 and followed.url == "/survey/"
    page = client.get("/survey/").content.decode()
    assert unit.name in page and code_of(unit) not in page  # the code is in no page or address after the link
    signed_in = client.post("/survey/", {"code": "", "name": "Ada Example", "role": "Analyst"})
    assert signed_in.status_code == 302 and signed_in.url == "/survey/sections/"
    assert Respondent.objects.get().wave_unit == unit


def test_a_wrong_invitation_link_says_so_and_is_counted(wave: Wave) -> None:
    page = Client().get("/s/ABCD-EFGH-JKLM")
    assert page.status_code == 200 and "The access code is not right" in page.content.decode()
    assert AccessAttempt.objects.get().succeeded is False


def test_a_code_typed_loosely_signs_in_and_keeps_name_and_role(unit: WaveUnit) -> None:
    client = Client()
    typed = code_of(unit).replace("-", " ").lower()
    response = client.post("/survey/", {"code": typed, "name": "Ada Example", "role": "Head of service"})
    assert response.status_code == 302 and response.url == "/survey/sections/"
    respondent = Respondent.objects.get()
    assert (respondent.wave_unit, respondent.name, respondent.role) == (unit, "Ada Example", "Head of service")
    assert unit.name in client.get("/survey/sections/").content.decode()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the access code from your invitation"),
        ("ABCD-EFGH-JKL1", "Enter the access code from your invitation"),
        ("ABCD-EFGH-JKLM", "The access code is not right"),
    ],
)
def test_wrong_codes_get_a_clear_message(wave: Wave, typed: str, message: str) -> None:
    page = Client().post("/survey/", {"code": typed}).content.decode()
    assert "govuk-error-summary" in page and message in page
    assert 'href="#code"' in page


def test_repeated_wrong_codes_are_slowed_then_refused_and_logged(wave: Wave, unit: WaveUnit, caplog) -> None:
    client = Client()
    for _ in range(SLOW_AFTER):
        assert client.post("/survey/", {"code": "ABCD-EFGH-JKLM"}).status_code == 200
    slowed = client.post("/survey/", {"code": "ZZZZ-EFGH-JKLM"})
    assert slowed.status_code == 429 and "Wait" in slowed.content.decode()
    # Move the clock past each wait to reach the refusal.
    for _ in range(REFUSE_AFTER - SLOW_AFTER):
        AccessAttempt.objects.update(at=timezone.now() - timedelta(minutes=1))
        client.post("/survey/", {"code": "ABCD-EFGH-JKLM"})
    AccessAttempt.objects.update(at=timezone.now() - timedelta(minutes=1))
    refused = client.post("/survey/", {"code": "ZZZZ-EFGH-JKLM"})
    assert refused.status_code == 429 and "Too many wrong access codes" in refused.content.decode()
    assert "wrong access code starting ABCD from 127.0.0.1" in caplog.text
    # Another address is not affected.
    other = Client(REMOTE_ADDR="10.0.0.9").post("/survey/", {"code": "YYYY-EFGH-JKLM"})
    assert other.status_code == 200 and "The access code is not right" in other.content.decode()


def test_a_right_code_gets_in_from_an_address_that_is_refused(wave: Wave, unit: WaveUnit) -> None:
    """Wrong codes from a shared address (an authority's proxy) never lock out the authorities behind it."""
    for _ in range(REFUSE_AFTER):
        AccessAttempt.objects.create(address="127.0.0.1", peer="127.0.0.1", succeeded=False)
    client = Client()
    assert client.post("/survey/", {"code": "ABCD-EFGH-JKLM"}).status_code == 429
    assert client.post("/survey/", {"code": code_of(unit)}).status_code == 302
    assert Client().get(f"/s/{code_of(unit)}").status_code == 302


def test_guesses_at_one_code_prefix_are_counted_across_addresses(wave: Wave) -> None:
    for i in range(REFUSE_AFTER):
        Client(REMOTE_ADDR=f"10.0.1.{i}").post("/survey/", {"code": f"ABCD-EFGH-JK{ALPHABET[i]}M"})
    held = Client(REMOTE_ADDR="10.0.2.1").post("/survey/", {"code": "ABCD-WXYZ-JKLM"})
    assert held.status_code == 429
    assert Client(REMOTE_ADDR="10.0.2.1").post("/survey/", {"code": "WXYZ-EFGH-JKLM"}).status_code == 200


@pytest.mark.parametrize("forwarded", ["not-an-ip", "203.0.113.7, <script>", "", ",,,", "999.1.1.1", "a" * 5000])
def test_a_malformed_forwarded_address_is_not_an_error(wave: Wave, settings, forwarded: str) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    response = Client(HTTP_X_FORWARDED_FOR=forwarded).post("/survey/", {"code": "ABCD-EFGH-JKLM"})
    assert response.status_code == 200 and "The access code is not right" in response.content.decode()
    assert AccessAttempt.objects.get().address == "127.0.0.1"  # the address that connected


def test_rotating_forwarded_addresses_does_not_escape_the_throttle(wave: Wave, unit: WaveUnit, settings) -> None:
    """With a trusted proxy configured but the server reachable directly, the client makes up each address."""
    settings.TRUSTED_PROXY_COUNT = 1
    statuses = [
        Client(HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").post("/survey/", {"code": f"{i:04}"}).status_code
        for i in range(REFUSE_AFTER * PEER_FACTOR + 1)
    ]
    assert statuses[-1] == 429 and statuses[0] == 200
    right = Client(HTTP_X_FORWARDED_FOR="198.51.100.250").post("/survey/", {"code": code_of(unit)})
    assert right.status_code == 302


@pytest.mark.parametrize(
    ("opens_in", "closes_in", "words"),
    [
        (timedelta(days=2), timedelta(days=9), "is not open yet"),
        (timedelta(days=-40), timedelta(days=-10), "has closed"),
    ],
)
def test_a_code_for_a_wave_not_open_says_so(
    wave: Wave, unit: WaveUnit, opens_in: timedelta, closes_in: timedelta, words: str
) -> None:
    now = timezone.now()
    Wave.objects.filter(pk=wave.pk).update(opens_at=now + opens_in, closes_at=now + closes_in)
    page = Client().post("/survey/", {"code": code_of(unit)}).content.decode()
    assert words in page


def test_closing_mid_survey_stops_saving(wave: Wave, unit: WaveUnit) -> None:
    from .conftest import signed_in

    client = signed_in(unit)
    Wave.objects.filter(pk=wave.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    assert "has closed" in client.get("/survey/sections/").content.decode()
    assert client.post("/survey/sections/csc/SuppSou/", {"SuppSou": ["1"]}).status_code == 403


def test_the_database_never_holds_a_code_in_the_clear(wave: Wave) -> None:
    for wave_unit in wave.units.all()[:20]:
        code = code_of(wave_unit)
        assert code not in wave_unit.code_digest and code not in wave_unit.code_sealed
        assert code.replace("-", "") not in wave_unit.code_sealed


def test_codes_are_unique_and_well_formed(wave: Wave) -> None:
    codes = [code_of(u) for u in wave.units.all()]
    assert len(set(codes)) == len(codes) == 152
    assert all(len(c) == 14 and c.count("-") == 2 and not set(c) & set("IO01") for c in codes)


def test_csrf_token_is_required(unit: WaveUnit) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post("/survey/", {"code": code_of(unit)}).status_code == 403


def test_stop_signs_out_and_the_code_resumes(unit: WaveUnit) -> None:
    from .conftest import signed_in

    client = signed_in(unit)
    assert "Your answers are saved" in client.post("/survey/stop/").content.decode()
    assert client.get("/survey/sections/").url == "/survey/"


def test_session_cookie_flags(unit: WaveUnit) -> None:
    response = Client().post("/survey/", {"code": code_of(unit)})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_keys_come_from_the_environment_when_set(unit: WaveUnit) -> None:
    from omnibus.fieldwork import codes

    with mock.patch.dict("os.environ", {"OMNIBUS_CODE_HASH_KEY": "another key"}):
        assert codes.digest(code_of(unit)) != unit.code_digest


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(settings, rf) -> None:
    from omnibus.core.throttle import Source, client_source

    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.2", REMOTE_ADDR="10.0.0.1")
    assert client_source(request) == Source.direct("10.0.0.1")  # no trusted proxy: the header could be forged
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_source(request) == Source("10.0.0.2", "10.0.0.1")
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_source(request) == Source("203.0.113.7", "10.0.0.1")
    settings.TRUSTED_PROXY_COUNT = 3  # fewer hops than proxies: the header was not made by them
    assert client_source(request) == Source.direct("10.0.0.1")


def test_a_save_locks_only_its_own_unit(unit: WaveUnit) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from omnibus.collect.answers import read_unit, read_visit

    from .conftest import signed_in

    if not connection.features.has_select_for_update:
        pytest.skip("this database has no row locks (SQLite serialises writes instead)")
    from django.db import transaction

    session_key = signed_in(unit).session.session_key
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        by_id = read_unit(unit.pk, section="csc", lock=True)
        by_session = read_visit(session_key, section="csc", lock=True)
    assert by_id.wave_unit.pk == by_session.wave_unit.pk == unit.pk
    locking = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert len(locking) == 2
    # Only the unit's row is locked, not its wave's (saves in one wave never wait for each other),
    # nor the session's.
    assert locking[0].startswith("SELECT id FROM fieldwork_waveunit WHERE") and "JOIN" not in locking[0]
    assert "JOIN fieldwork_waveunit u" in locking[1] and locking[1].endswith("FOR UPDATE OF u")


def test_an_expired_session_is_signed_out(unit: WaveUnit) -> None:
    from omnibus.core.models import Session

    from .conftest import signed_in

    client = signed_in(unit)
    assert client.get("/survey/sections/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/survey/sections/").url == "/survey/"


def test_the_start_page_names_the_unit_as_the_waves_population_does(wave: Wave, tmp_path, stored_questionnaire) -> None:  # noqa: ANN001
    from datetime import date

    from omnibus.fieldwork.waves import create_wave
    from omnibus.frame.store import load_frame
    from tests.populations import tiny_population

    only_las = Client().get("/survey/").content.decode()
    assert "Your invitation email gives your local authority’s access code." in only_las
    schema, frame = tiny_population(tmp_path)
    load_frame(frame, date(2020, 1, 1), str(schema))
    now = timezone.now()
    forums = create_wave(
        "forums", "Forums", stored_questionnaire, "tiny-forums", date(2020, 1, 1), now, now + timedelta(9)
    )
    # Two open waves of different populations: before a code says which, a neutral noun.
    both = Client().get("/survey/").content.decode()
    assert "gives your organisation’s access code" in both and "local authorit" not in both
    invited = Client()
    invited.get(f"/s/{code_of(forums.units.first())}")
    page = invited.get("/survey/").content.decode()
    # The page's own words name a forum; the introduction is the (CSO) questionnaire's, whatever it says.
    assert "Your invitation email gives your forum’s access code." in page and "authority’s" not in page


def test_a_questionnaires_own_unit_noun_overrides_the_populations(wave: Wave) -> None:
    from pathlib import Path

    from omnibus.report.making import population_units
    from tests.waves import open_wave_of

    forums = open_wave_of(Path(__file__).resolve().parents[1] / "questionnaires" / "linear.yaml", "forums-noun")
    assert (population_units(forums), population_units(wave)) == ("forums", "local authorities")
    invited = Client()
    invited.get(f"/s/{code_of(forums.units.first())}")
    assert "Your invitation email gives your forum’s access code." in invited.get("/survey/").content.decode()


def test_an_invitation_never_keeps_a_session_key_it_was_given(wave: Wave, unit: WaveUnit) -> None:
    """A key planted in the browser, or the key of a session already stored, is replaced before it names a unit."""
    from omnibus.core.models import Session

    client = Client()
    client.cookies["sessionid"] = "plantedbysomeoneelse0000000000000"
    client.get(f"/s/{code_of(unit)}")
    first = client.cookies["sessionid"].value
    assert first != "plantedbysomeoneelse0000000000000" and Session.objects.filter(session_key=first).exists()
    other = wave.units.exclude(pk=unit.pk).order_by("name").first()
    client.get(f"/s/{code_of(other)}")
    second = client.cookies["sessionid"].value
    assert second != first and not Session.objects.filter(session_key=first).exists()
    assert other.name in client.get("/survey/").content.decode()


def test_the_unit_a_code_finds_is_read_as_the_orm_reads_it(wave: Wave, unit: WaveUnit) -> None:
    from omnibus.fieldwork.waves import find_wave_unit, unit_noun, wave_unit_by_id

    found, by_id = find_wave_unit(code_of(unit)), wave_unit_by_id(unit.pk)
    stored = Wave.objects.select_related("questionnaire", "population").get(pk=wave.pk)
    for read in (found, by_id):
        assert (read.pk, read.name, read.unit_id, read.wave_id) == (unit.pk, unit.name, unit.unit_id, wave.pk)
        times = (read.wave.opens_at, read.wave.closes_at, read.wave.title, read.wave.kind)
        assert times == (stored.opens_at, stored.closes_at, stored.title, stored.kind)
        assert timezone.is_aware(read.wave.opens_at)
        assert read.wave.questionnaire.sha256 == stored.questionnaire.sha256
        assert read.wave.population.slug == stored.population.slug
        assert unit_noun(read.wave) == unit_noun(stored)
    assert found.code_digest == unit.code_digest  # a field not read is fetched when asked for
    assert find_wave_unit("ABCD-EFGH-JKLM") is None and wave_unit_by_id(0) is None
