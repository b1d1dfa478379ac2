"""The survey's hot path: database round trips per answered page, and paradata written in batches."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from omnibus.collect import answers, paradata
from omnibus.collect.models import PageEvent
from omnibus.fieldwork.models import SectionState, WaveUnit
from omnibus.fieldwork.questionnaires import questionnaire_of_version

from .conftest import answer, code_of, seen_of, signed_in

pytestmark = pytest.mark.django_db

# Inside the test's own transaction a save's BEGIN and COMMIT are a SAVEPOINT and its RELEASE.
TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT")


def answered_page(client: Client, path: str, data: dict) -> list[str]:
    """The statements of one answered page: its POST and the GET of the page it leads to."""
    page = client.get(path).content.decode()
    with CaptureQueriesContext(connection) as captured:
        response = client.post(path, {**data, "seen": seen_of(page)})
        assert response.status_code == 302, response.content.decode()[:300]
        assert client.get(response.url).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def queries(statements: list[str]) -> list[str]:
    """The statements other than a transaction's start and end."""
    return [sql for sql in statements if not sql.startswith(TRANSACTION_CONTROL)]


def test_an_answered_page_takes_at_most_eight_round_trips(unit: WaveUnit, settings) -> None:  # noqa: ANN001
    settings.PARADATA_BATCH = 50  # as served: page events wait to be written in batches
    client = signed_in(unit)
    first = answered_page(client, "/survey/sections/csc/SuppSou/", {"SuppSou": ["3"]})
    typical = answered_page(client, "/survey/sections/csc/SuppSouFut/", {"SuppSouFut": ["1"]})
    paradata.flush()
    # A page in a section already in progress: the unit read with the session for each request
    # (the save's read after the unit's lock), the save's history and answers, and the
    # transaction's start and end.
    assert len(typical) <= 6, "\n".join(typical)
    assert len(queries(typical)) <= 4, "\n".join(queries(typical))
    assert not any("session_data" in sql for sql in typical), "\n".join(typical)
    # A section's first page also records that the section is in progress.
    assert len(first) <= 7, "\n".join(first)
    assert sum("fieldwork_sectionstate" in sql and sql.startswith("INSERT") for sql in first) == 1
    assert not any("fieldwork_sectionstate" in sql and not sql.startswith("SELECT") for sql in typical)


def test_the_page_read_is_one_query_and_the_save_reads_after_taking_the_lock(unit: WaveUnit) -> None:
    client = signed_in(unit)
    page = client.get("/survey/sections/csc/ConfUnd/").content.decode()
    with CaptureQueriesContext(connection) as captured:
        client.post("/survey/sections/csc/ConfUnd/", {"ConfUnd": "2", "seen": seen_of(page)})
    reads = [
        q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT") and "collect_answer" in q["sql"]
    ]
    assert len(reads) == 1, reads  # read once, not again to route or to check for a conflict
    if connection.features.has_select_for_update:  # read after the unit's lock is granted, by its own statement
        statements = [q["sql"] for q in captured.captured_queries]
        locks = [n for n, sql in enumerate(statements) if "FOR UPDATE" in sql]
        assert len(locks) == 1 and statements.index(reads[0]) == locks[0] + 1, statements


def test_paradata_waits_for_a_batch_and_keeps_each_page_time(unit: WaveUnit, settings) -> None:  # noqa: ANN001
    settings.PARADATA_BATCH = 4
    paradata.flush()
    client = signed_in(unit)
    page = client.get("/survey/sections/csc/ConfUnd/").content.decode()
    assert not PageEvent.objects.filter(wave_unit=unit).exists()  # waiting in the process
    client.post("/survey/sections/csc/ConfUnd/", {"ConfUnd": "1", "seen": seen_of(page)})
    client.get("/survey/sections/csc/SWreturn/")
    assert not PageEvent.objects.filter(wave_unit=unit).exists()
    client.get("/survey/sections/")  # the fourth event: the batch is written
    events = list(PageEvent.objects.filter(wave_unit=unit).order_by("pk").values_list("page", "event", "at"))
    assert [(page, event) for page, event, _ in events] == [
        ("ConfUnd", PageEvent.SHOWN),
        ("ConfUnd", PageEvent.SUBMITTED),
        ("SWreturn", PageEvent.SHOWN),
        ("menu", PageEvent.SHOWN),
    ]
    times = [at for _, _, at in events]
    assert times == sorted(times) and len(set(times)) == 4  # each page's own time, not the time of writing


def test_an_answered_page_walks_the_questionnaire_once(unit: WaveUnit, monkeypatch) -> None:  # noqa: ANN001
    walked = []
    walk = answers.route
    monkeypatch.setattr(answers, "route", lambda *args, **kwargs: walked.append(dict(args[1])) or walk(*args, **kwargs))
    answers._routes.clear()  # routes kept by earlier tests' units of the same answers
    client = signed_in(unit)
    for n, choice in enumerate(["3", "1"]):
        page = client.get("/survey/sections/csc/SuppSou/").content.decode()
        response = client.post("/survey/sections/csc/SuppSou/", {"SuppSou": [choice], "seen": seen_of(page)})
        assert client.get(response.url).status_code == 200
        # The save routes again the answers its page was shown with, and the next page those the
        # save left: both are kept routes. Only the save's new answers are walked.
        assert len(walked) == 2 + n and walked[-1]["SuppSou"] == [int(choice)]


@pytest.fixture
def batched(unit: WaveUnit, settings) -> Iterator[None]:  # noqa: ANN001
    """Page events wait for a batch of 50, as served; what still waits is written as the test ends."""
    settings.PARADATA_BATCH = 50
    yield
    paradata.flush()


def statements(request, *args, **kwargs) -> tuple[object, list[str]]:  # noqa: ANN001 - a test client's method
    """A request's response and the statements it ran."""
    with CaptureQueriesContext(connection) as captured:
        response = request(*args, **kwargs)
    return response, [query["sql"] for query in captured.captured_queries]


def test_the_menu_reads_every_sections_state_in_one_statement(unit: WaveUnit, batched: None) -> None:
    client = signed_in(unit, name="")
    answer(client, "csc", "ConfUnd", {"ConfUnd": "1"})
    menu, run = statements(client.get, "/survey/sections/")
    # The session, the unit (`read_unit`), and the section states with who last worked on each.
    assert len(run) <= 3, "\n".join(run)
    assert "Last worked on by A colleague" in menu.content.decode()  # a respondent who gave no name


def test_signing_in_reads_the_unit_once_and_never_its_questionnaire_text(unit: WaveUnit) -> None:
    stored = unit.wave.questionnaire
    questionnaire_of_version(stored.pk, stored.sha256)  # parsed already, as in a process serving the survey
    client = Client()
    followed, by_link = statements(client.get, f"/s/{code_of(unit)}")
    assert followed.status_code == 302
    # The unit found by its code, the attempt kept, and the new session written once (its key
    # checked, then inserted, in a transaction of its own).
    assert len(by_link) <= 6, "\n".join(by_link)
    page, shown = statements(client.get, "/survey/")
    assert unit.name in page.content.decode() and len(shown) <= 2, "\n".join(shown)  # the session, the unit
    form = {"code": code_of(unit), "name": "Ada Example", "role": "Analyst"}
    signed, signing = statements(client.post, "/survey/", form)
    assert signed.status_code == 302
    # The session, the unit found by the typed code (not again by the invitation), the attempt,
    # the respondent, and the session's new key (its writes are Django's).
    assert len(queries(signing)) <= 9, "\n".join(signing)
    for run in (by_link, signing):
        assert sum("fieldwork_waveunit" in sql for sql in run) == 1, "\n".join(run)
    assert not any("source_text" in sql for sql in by_link + shown + signing)


def test_confirming_a_check_page_writes_its_state_in_one_statement(unit: WaveUnit, batched: None) -> None:
    client = signed_in(unit)
    answer(client, "send", "EHCplans", {f"EHCplans_{x}": "2" for x in "abcde"})
    for question, data in [("SBeff", "Overnight stays"), ("SBinc", "1"), ("SBstat", "3"), ("SBdisab", "Forums")]:
        answer(client, "send", question, {question: data})
    assert answer(client, "send", "SBcosteff", {"SBcosteff": "3"}).url == "/survey/sections/send/check/"
    confirmed, run = statements(client.post, "/survey/sections/send/check/")
    assert confirmed.status_code == 302
    # The session, the unit's lock and read, and the section's state (no savepoint of its own).
    assert len(queries(run)) <= 4 and len(run) <= 6, "\n".join(run)
    state = SectionState.objects.get(wave_unit=unit, section="send")
    assert state.status == SectionState.COMPLETED and state.completed_at is not None
    assert state.last_respondent.name == "Ada Example"
    answer(client, "send", "SBcosteff", {"SBcosteff": "2"})  # a change reopens it
    state = SectionState.objects.get(wave_unit=unit, section="send")
    assert (state.status, state.completed_at) == (SectionState.IN_PROGRESS, None)
