"""A new wave of the same survey opens with the earlier wave's code frames; codes say how they were given."""

from __future__ import annotations

from collections import Counter

VARIABLE = "SocImprov"


def test_a_second_wave_opens_with_the_first_waves_frames_and_gets_suggestions_before_any_coding(wave, second_wave):
    from omnibus.coding.codings import code_frame_of, open_responses, open_variables, suggest_codes
    from omnibus.coding.models import Coding, Suggestion
    from omnibus.fieldwork.questionnaires import questionnaire_of

    first = code_frame_of(wave, VARIABLE)
    assert first.themes.count() >= 3
    for variable in open_variables(questionnaire_of(second_wave.questionnaire)):
        assert code_frame_of(second_wave, variable.name) == code_frame_of(wave, variable.name)
    carried = code_frame_of(second_wave, VARIABLE)
    assert list(carried.themes.values_list("code", "label")) == list(first.themes.values_list("code", "label"))
    assert not Coding.objects.filter(wave_unit__wave=second_wave).exists()

    method, made = suggest_codes(second_wave, VARIABLE)
    answers = open_responses(second_wave, VARIABLE)
    suggested = {s.wave_unit_id for s in Suggestion.objects.filter(wave_unit__wave=second_wave, variable=VARIABLE)}
    assert method and made >= len(suggested)
    assert len(suggested) >= 0.7 * len(answers)  # most answers have a suggestion with nothing coded
    calibration = Suggestion.objects.filter(wave_unit__wave=second_wave).values_list("calibration", flat=True)
    assert set(calibration) == {
        "from a prior fitted on a calibration set of another question (too few answers are coded here to learn from)"
    }


def test_a_theme_added_in_the_second_wave_is_marked_new_in_its_tables_only(wave, second_wave):
    from omnibus.coding.codeframes import add_theme
    from omnibus.coding.codings import code_frame_of, new_themes, open_responses, set_codes
    from omnibus.coding.themes import NEW_MARK, themes_question_id
    from omnibus.dataset.build import build_dataset

    carried = code_frame_of(second_wave, VARIABLE)
    added = add_theme(carried, "Exploitation of adolescents", "Criminal and sexual exploitation", wave=second_wave)
    answer = open_responses(second_wave, VARIABLE)[0]
    set_codes(second_wave, VARIABLE, [answer.wave_unit], [added], [], None)
    assert new_themes(carried, second_wave) == {added.code}
    assert new_themes(carried, wave) == frozenset()  # the first wave made the frame: nothing in it is new

    def labels(of) -> dict[int, str]:
        question = build_dataset(of).questionnaire.question(themes_question_id(VARIABLE))
        return {o.code: o.label for o in question.options}

    assert labels(second_wave)[added.code] == added.label + NEW_MARK
    assert sum(label.endswith(NEW_MARK) for label in labels(second_wave).values()) == 1
    assert not any(label.endswith(NEW_MARK) for label in labels(wave).values())
    assert added.code not in labels(wave)  # a theme the first wave never had is no row of 0% in its tables

    earlier = open_responses(wave, VARIABLE)[0]
    set_codes(wave, VARIABLE, [earlier.wave_unit], [added], [], None)
    assert labels(wave)[added.code] == added.label  # once an earlier answer is recoded with it, it is there


def test_codes_record_how_they_were_given_and_the_tables_say_so(wave, answers, frame):
    from omnibus.coding.codings import code_sources, decide_suggestions, set_codes, suggest_codes
    from omnibus.coding.models import Coding, Suggestion
    from omnibus.coding.themes import themes_question_id
    from omnibus.dataset.build import build_dataset

    set_codes(wave, VARIABLE, [answers[0].wave_unit], [frame.themes.get(code=1)], [], None)
    suggest_codes(wave, VARIABLE, prefer="tfidf")
    open_ones = list(Suggestion.objects.filter(wave_unit__wave=wave, state=Suggestion.OPEN).order_by("pk"))
    assert len(open_ones) >= 3
    decide_suggestions([open_ones[0].pk], True, None)
    decide_suggestions([s.pk for s in open_ones[1:]], True, None, bulk=True)

    stored = Counter(Coding.objects.filter(wave_unit__wave=wave).values_list("source", flat=True))
    assert stored == {Coding.RESEARCHER: 1, Coding.SUGGESTION: 1, Coding.BULK: len(open_ones) - 1}
    sources = code_sources(wave, VARIABLE)
    assert (sources.person, sources.reviewed, sources.bulk) == (1, 1, len(open_ones) - 1)
    note = build_dataset(wave).notes[themes_question_id(VARIABLE)]
    assert note == (
        f"Of the {sources.total} codes, 1 was given by a researcher, 1 was a suggestion accepted after review "
        f"and {len(open_ones) - 1} were suggestions accepted in bulk, unread.",
    )


def test_a_report_of_machine_coded_answers_says_so_in_its_methodology(wave, answers, frame):
    from omnibus.coding.codings import decide_suggestions, suggest_codes
    from omnibus.coding.models import Suggestion
    from omnibus.dataset.build import build_dataset
    from omnibus.report.build import walk_blocks
    from omnibus.report.chapters.open_responses import open_response_chapters, state_coding_method
    from omnibus.report.document import Chapter, Paragraph, Report

    methodology = Chapter("Survey methodology", [Paragraph("The fieldwork ran …")], key="methodology")
    report = Report("Title", "Subtitle", "Date", [Chapter("Introduction", [methodology])], [])
    state_coding_method(report, wave)
    assert len(methodology.blocks) == 1  # nothing coded: nothing to say

    suggest_codes(wave, VARIABLE, prefer="tfidf")
    decide_suggestions(
        list(Suggestion.objects.filter(wave_unit__wave=wave).values_list("pk", flat=True)), True, None, bulk=True
    )
    state_coding_method(report, wave)
    said = [b.text for b in walk_blocks(report.chapters) if isinstance(b, Paragraph)]
    assert any("accepted in bulk, unread" in t and "machine-coded" in t for t in said)
    intro, method, *_ = open_response_chapters(wave, build_dataset(wave), client=False, units="LAs")[0].blocks
    assert intro.text.startswith("Open questions let LAs answer in their own words. Each answer was coded")
    assert intro.text.endswith("Quotes are attributed by authority type and region only.")
    assert "machine-coded" in method.text


def test_the_split_of_codes_in_words():
    from omnibus.coding.themes import CodeSources

    assert CodeSources(3).sentence() == "All 3 codes were given by a researcher."
    assert CodeSources(2, 0, 1).sentence() == (
        "Of the 3 codes, 2 were given by a researcher, 0 were suggestions accepted after review"
        " and 1 was a suggestion accepted in bulk, unread."
    )
    assert CodeSources(1, 2, 3) + CodeSources(1) == CodeSources(2, 2, 3)
