"""Answers get suggestions as they arrive: the worker's sweep, with nobody pressing "Suggest codes"."""

from __future__ import annotations

import pytest

VARIABLE = "SocImprov"


def sweep() -> int:
    """Run the sweep as the worker does: the periodic work coding registered with it."""
    from omnibus.coding.arrivals import suggest_for_arrivals
    from omnibus.fieldwork.worker import periodic

    (registered,) = [p for p in periodic() if p.run is suggest_for_arrivals]
    return registered.run()


def answered(wave) -> set[int]:  # noqa: ANN001 - a Wave
    """The wave units with a non-blank answer to the variable."""
    from omnibus.coding.codings import open_responses

    return {r.wave_unit for r in open_responses(wave, VARIABLE)}


def suggestions(wave) -> dict[int, tuple[int, str, float]]:  # noqa: ANN001 - a Wave
    """Every suggestion of the wave for the variable: id -> (wave unit, state, confidence)."""
    from omnibus.coding.models import Suggestion

    rows = Suggestion.objects.filter(wave_unit__wave=wave, variable=VARIABLE)
    return {
        pk: (unit, state, c) for pk, unit, state, c in rows.values_list("pk", "wave_unit_id", "state", "confidence")
    }


def test_answers_in_a_wave_with_a_carried_frame_get_suggestions_without_pressing_anything(wave, second_wave):
    from omnibus.coding.models import Coding

    assert not Coding.objects.filter(wave_unit__wave=second_wave).exists()
    assert not suggestions(second_wave)
    made = sweep()
    suggested = {unit for unit, _, _ in suggestions(second_wave).values()}
    assert made == len(suggestions(second_wave)) > 0
    assert suggested <= answered(second_wave)
    assert len(suggested) >= 0.7 * len(answered(second_wave))  # most answers have one with nothing coded
    assert sweep() == 0  # nothing arrived since: nothing read again


def test_a_second_arrival_gets_suggestions_for_the_new_answers_only_and_decisions_stand(second_wave):
    from omnibus.coding.codings import decide_suggestions
    from omnibus.coding.models import Coding, Suggestion
    from omnibus.dataset.simulate import simulate

    sweep()
    first = suggestions(second_wave)
    accepted, rejected = sorted({unit: pk for pk, (unit, _, _) in first.items()}.values())[:2]
    decide_suggestions([accepted], True, None)
    decide_suggestions([rejected], False, None)
    before = suggestions(second_wave)
    earlier = answered(second_wave)

    simulate(second_wave, seed=12, response_rate=0.6)  # more authorities answer; those who had are left alone
    arrived = answered(second_wave) - earlier
    assert arrived
    made = sweep()

    after = suggestions(second_wave)
    assert {pk: after[pk] for pk in before} == before  # kept as they were: not recomputed, not replaced
    new = {pk: row for pk, row in after.items() if pk not in before}
    assert made == len(new) > 0
    assert {unit for unit, _, _ in new.values()} <= arrived
    assert len({unit for unit, _, _ in new.values()}) >= 0.7 * len(arrived)
    assert Suggestion.objects.get(pk=accepted).state == Suggestion.ACCEPTED
    assert Suggestion.objects.get(pk=rejected).state == Suggestion.REJECTED
    assert Coding.objects.filter(wave_unit__wave=second_wave).count() == 1


def test_a_changed_answer_gets_suggestions_for_its_new_text_and_a_coded_one_gets_none(wave, second_wave):
    from omnibus.coding.codings import code_frame_of, open_responses, set_codes
    from omnibus.collect.models import Answer

    sweep()
    before = suggestions(second_wave)
    units = sorted({unit for unit, _, _ in before.values()})
    changed, coded = units[0], units[1]
    set_codes(second_wave, VARIABLE, [coded], [code_frame_of(second_wave, VARIABLE).themes.first()], [], None)
    before = suggestions(second_wave)
    coded_text = next(r.text for r in open_responses(wave, VARIABLE) if r.codes)  # one the frame's themes fit
    for unit, text in ((changed, coded_text), (coded, "Recruiting social workers.")):
        answer = Answer.objects.get(wave_unit_id=unit, key=VARIABLE)
        answer.value = text
        answer.save()

    made = sweep()
    after = suggestions(second_wave)
    kept = {pk: row for pk, row in before.items() if row[0] != changed}
    assert {pk: after[pk] for pk in kept} == kept  # the coded answer's, and everyone else's, untouched
    fresh = {pk for pk, (unit, _, _) in after.items() if unit == changed}
    assert fresh and not fresh & set(before)  # its old open suggestions replaced by ones for the new text
    assert made == len(fresh)


def test_the_button_marks_what_it_read_so_the_sweep_does_not_read_it_again(second_wave):
    from omnibus.coding.codings import arrived_answers, suggest_codes

    assert arrived_answers(VARIABLE, second_wave).exists()
    suggest_codes(second_wave, VARIABLE)
    assert not arrived_answers(VARIABLE, second_wave).exists()
    assert sweep() == 0


def test_opening_the_coding_screen_shows_suggestions_for_answers_the_worker_has_not_reached(second_wave, researcher):
    from omnibus.coding.models import Suggestion

    page = researcher.get(f"/office/coding/{second_wave.slug}/{VARIABLE}/?show=suggested")
    assert page.status_code == 200
    shown = Suggestion.objects.filter(wave_unit__wave=second_wave, variable=VARIABLE, state=Suggestion.OPEN)
    assert len({s.wave_unit_id for s in shown}) >= 0.7 * len(answered(second_wave))
    assert f'id="suggestion-{shown[0].pk}"' in page.content.decode()
    assert sweep() == 0  # the screen read them: the worker has nothing left to do


@pytest.mark.django_db(transaction=True)
def test_omnibus_worker_suggests_for_the_answers_that_arrived(second_wave):
    from click.testing import CliRunner

    from omnibus.site.cli.fieldwork import worker

    result = CliRunner().invoke(worker, ["--once"])
    assert result.exit_code == 0, result.output
    suggested = {unit for unit, _, _ in suggestions(second_wave).values()}
    assert suggested and suggested <= answered(second_wave)
