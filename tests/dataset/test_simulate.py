"""Simulated waves: answers only where routing asks, sections like the seed's, paradata, the commands."""

from __future__ import annotations

from collections import defaultdict

import polars as pl
import pytest
from click.testing import CliRunner

from omnibus.collect.models import Answer, AnswerEvent, PageEvent
from omnibus.dataset.build import build_dataset
from omnibus.dataset.simulate import simulate
from omnibus.fieldwork.models import SectionState
from omnibus.questionnaire.routing import route
from omnibus.site.cli.dataset import dataset, export, responses, simulate_command
from tests.waves import CSO_SECTION_SHARES

# The checks count every answer and section state in the database: the simulated wave would be among them.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_simulated_wave")]


def stored_answers(wave) -> dict[int, dict[str, object]]:
    found: dict[int, dict[str, object]] = defaultdict(dict)
    # In unit order: without ORDER BY, PostgreSQL may return the rows in any order.
    rows = Answer.objects.filter(wave_unit__wave=wave).order_by("wave_unit_id", "key")
    for unit, key, value in rows.values_list("wave_unit_id", "key", "value"):
        found[unit][key] = value
    return found


def test_simulated_answers_are_all_on_route(wave, questionnaire):
    summary = simulate(wave, seed=7, response_rate=0.5, section_shares=CSO_SECTION_SHARES)
    answers = stored_answers(wave)
    assert summary.units == 152 and len(answers) == summary.responding and 50 <= summary.responding <= 100
    for unit_answers in answers.values():
        result = route(questionnaire, unit_answers)
        assert result.off_route == {}
        assert result.live == unit_answers
    assert set(Answer.objects.values_list("mode", flat=True)) == {"import"}
    assert AnswerEvent.objects.count() == Answer.objects.count()  # each answer has its history entry
    assert PageEvent.objects.filter(wave_unit__wave=wave).count() > summary.responding
    statuses = set(SectionState.objects.values_list("status", flat=True))
    assert statuses == {"completed", "in_progress"}


def test_sections_are_taken_as_the_shares_given(make_wave):
    shares = defaultdict(int)
    for index in range(3):
        wave = make_wave(f"w{index}")
        simulate(wave, seed=index, response_rate=0.51, section_shares=CSO_SECTION_SHARES)
        for section in SectionState.objects.filter(wave_unit__wave=wave).values_list("section", flat=True):
            shares[section] += 1
    per_wave = {section: count / 3 / 152 for section, count in shares.items()}
    assert per_wave["csc"] == pytest.approx(0.47, abs=0.07)
    assert per_wave["eyc"] == pytest.approx(0.39, abs=0.07)
    assert per_wave["send"] == pytest.approx(0.36, abs=0.07)


def test_the_same_seed_gives_the_same_answers(make_wave):
    first, second = make_wave("a"), make_wave("b")
    simulate(first, seed=3)
    simulate(second, seed=3)
    assert list(stored_answers(first).values()) == list(stored_answers(second).values())


def test_simulate_leaves_units_with_answers_alone(wave, give):
    give(wave, "840", {"SWoff": 1})
    summary = simulate(wave, seed=1, response_rate=1.0)
    assert summary.skipped == 1 and summary.responding == 151
    assert dict(Answer.objects.filter(wave_unit__unit__key="840").values_list("key", "value")) == {"SWoff": 1}


def test_simulated_dataset_has_partials_and_paradata(wave):
    simulate(wave, seed=4, response_rate=0.9)
    data = build_dataset(wave).data
    flags = set(data["section_csc"].to_list()) | set(data["section_eyc"].to_list())
    assert flags == {"complete", "partial", "none"}
    responding = data.filter(data["para_pages_shown"] > 0)
    assert responding.height > 100 and responding["para_minutes"].min() > 0


def test_commands(wave, tmp_path):
    runner = CliRunner()
    result = runner.invoke(simulate_command, ["cso-w3", "--seed", "1", "--response-rate", "0.51"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Simulated ") and "csc:" in result.stdout
    result = runner.invoke(dataset, ["build", "cso-w3"])
    assert result.exit_code == 0, result.output
    assert "cso-w3: 152 units (152 in the frame)" in result.stdout
    assert "  csc: " in result.stdout
    out = tmp_path / "cso.parquet"
    result = runner.invoke(dataset, ["build", "cso-w3", "-o", str(out)])
    assert result.exit_code == 0 and f"Wrote {out} (152 rows" in result.stdout
    assert pl.read_parquet(out)["unit"].n_unique() == 152
    result = runner.invoke(dataset, ["build", "no-such-wave"])
    assert result.exit_code == 1 and "no wave called 'no-such-wave'" in result.output


@pytest.mark.parametrize(
    "command, args",
    [
        (dataset, ["build", "--help"]),
        (responses, ["import", "--help"]),
        (export, ["--help"]),
        (simulate_command, ["--help"]),
    ],
)
def test_every_command_answers_help(command, args):
    result = CliRunner().invoke(command, args)
    assert result.exit_code == 0 and "Usage:" in result.output


def test_without_shares_each_menu_section_is_equally_likely(make_wave):
    taken = defaultdict(int)
    for index in range(3):
        wave = make_wave(f"e{index}")
        simulate(wave, seed=index, response_rate=0.5)
        for section in SectionState.objects.filter(wave_unit__wave=wave).values_list("section", flat=True):
            taken[section] += 1
    menu = [taken["csc"], taken["eyc"], taken["send"]]
    assert max(menu) - min(menu) < 0.2 * max(menu)  # about half the responders each, not the seed's 47/39/36


def test_the_command_takes_section_shares_and_refuses_a_share_above_one(wave):
    runner = CliRunner()
    shares = ["--section-share", "0.45", "--section-share", "0.03"]
    result = runner.invoke(simulate_command, ["cso-w3", "--seed", "2", *shares])
    assert result.exit_code == 0, result.output
    sections = list(SectionState.objects.filter(wave_unit__wave=wave).values_list("section", flat=True))
    csc = sections.count("csc")
    assert csc > 3 * sections.count("eyc") and csc > 3 * sections.count("send")  # the last share holds for SEND
    refused = runner.invoke(simulate_command, ["cso-w3", "--section-share", "1.5"])
    assert refused.exit_code == 2 and "--section-share" in refused.output


def test_made_up_answers_name_the_population_s_units(schools):
    from omnibus.dataset.simulated_texts import answers_for
    from omnibus.frame.schema import UnitNoun

    assert answers_for("NoSuchQuestion", UnitNoun("school", "schools"))[0] == "Closer working with neighbouring schools"
    texts = set(Answer.objects.filter(wave_unit__wave=schools, key__endswith="_text").values_list("value", flat=True))
    assert not any("authorit" in str(t).lower() for t in texts)
