"""The printed questionnaire as text: reads like Appendix 2 of the Wave 3 report."""

from __future__ import annotations

import dataclasses
import re
import textwrap
from pathlib import Path

import pytest

from omnibus.questionnaire.loader import load, read_text
from omnibus.questionnaire.model import Questionnaire
from omnibus.questionnaire.printed import choice_instruction, item_letter
from omnibus.questionnaire.printed_parts import numeric_format, option_label
from omnibus.questionnaire.render_text import render_text

NEXT = re.compile(r"^(Ask all|Ask if |Section \d+: |\d+\.\d+ )")
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "questionnaires" / "cso-wave3.yaml"


@pytest.fixture(scope="module")
def example() -> Questionnaire:
    return load(EXAMPLE)


@pytest.fixture(scope="module")
def text(example: Questionnaire) -> str:
    return render_text(example)


@pytest.fixture(scope="module")
def blocks(text: str) -> list[str]:
    return text.split("\n\n")


def small(yaml_text: str) -> Questionnaire:
    """A questionnaire written inline; fails the test if it does not read cleanly."""
    questionnaire, problems = read_text(textwrap.dedent(yaml_text))
    assert questionnaire is not None and not problems, problems
    return questionnaire


def question_block(blocks: list[str], qid: str) -> list[str]:
    """The blocks from a question's routing line up to the next routing line, heading or section."""
    start = blocks.index(qid) - 1
    ends = (i for i in range(start + 2, len(blocks)) if NEXT.match(blocks[i]))
    return blocks[start : next(ends, len(blocks))]


def test_title_introduction_and_menu(blocks: list[str]) -> None:
    assert blocks[0] == "Children's Services Omnibus – Wave 3"
    assert blocks[1].startswith("Thank you for agreeing to take part")
    # The introduction's list stays one block, one item a line.
    assert blocks[3] == (
        "- Children’s Social Care;\n- Early Years & Child Care; and\n- Special Educational Needs & Disability."
    )
    menu = blocks.index("QSelect")
    assert blocks[menu + 1] == "Please select the policy area you would like to answer questions on."
    assert blocks[menu + 2].startswith("After completing each section")
    assert blocks[menu + 3] == (
        "1. Children's Social Care\n2. Early Years and Child Care\n3. Special Educational Needs & Disability"
    )


def test_sections_are_numbered_after_the_menu_with_their_routing(blocks: list[str]) -> None:
    titles = [b for b in blocks if b.startswith("Section ")]
    assert titles == [
        "Section 2: Children's Social Care",
        "Section 3: Early Years and Child Care",
        "Section 4: Special Educational Needs & Disability",
        "Section 5: Thank you",
    ]
    eyc = blocks.index("Section 3: Early Years and Child Care")
    assert blocks[eyc + 1] == "If QSelect = 2"
    assert blocks[eyc + 2] == "These questions concern Early Years and Childcare provision in your authority."
    thanks = blocks.index("Section 5: Thank you")
    assert blocks[thanks + 1] == "Ask all"  # no menu routing for the closing section


def test_routing_line_comes_before_the_variable(blocks: list[str]) -> None:
    recoup = blocks.index("SBrecoup")
    assert blocks[recoup - 1] == "Ask if SBcosteff is 1 (Very cost-effective) or 2 (Fairly cost-effective)"
    assert blocks[recoup + 1].startswith("In your experience, how long does it take")
    assert blocks[recoup + 2] == "Please give your best estimate."
    assert blocks[recoup + 3].splitlines()[0] == "1. Less than a month"
    assert blocks[recoup + 4] == "Base: LAs who think that short breaks are cost-effective"
    assert blocks[blocks.index("MultChal") - 1] == "Ask if CSWAmult is 1 (Yes)"
    assert blocks[blocks.index("ConfUnd") - 1] == "Ask all"


def test_heading_and_preamble_order(blocks: list[str]) -> None:
    swoff = blocks.index("SWoff")
    assert blocks[swoff - 2 : swoff] == ["2.2 Social worker workforce", "Ask all"]
    assert blocks[swoff + 1] == "The next questions are about social worker workforce in your authority."
    assert blocks[swoff + 2].startswith("If the social worker apprenticeship standard is approved")


def test_options_are_numbered_with_markers(blocks: list[str]) -> None:
    options = question_block(blocks, "SWbarr")[-1].splitlines()
    assert options[0] == "1. Set-up costs"
    assert options[5] == "6. No barriers [exclusive]"
    assert options[6] == "7. Other (please specify)"
    imp_enab = question_block(blocks, "ImpEnab")
    assert "Please select up to three options." in imp_enab
    assert "10. Other (Please specify)" in imp_enab[-1].splitlines()  # already says so: no second marker


def test_feed_through_lines(blocks: list[str]) -> None:
    help_supp = question_block(blocks, "HelpSupp")
    assert "<Feed through a list of options they said they used from SuppSou>" in help_supp
    assert help_supp[0] == "Ask if more than 1 answer given at SuppSou"
    future = question_block(blocks, "SuppSouFut")
    feed = future.index("<Feed through a list of options they said they hadn't used from SuppSou>")
    # The source's options are not repeated; the question's own code follows the feed line.
    assert future[feed + 1 :] == ["16. None of these [exclusive]"]


def test_numeric_set_one_line_per_item(blocks: list[str]) -> None:
    spend = question_block(blocks, "HLEspend")
    assert spend[0].startswith("Ask if any answer given at HLEprog and HLEprog does not include 10 (")
    boxes = "or: Don't know (-8) / Not available (-9)"
    assert spend[3].splitlines() == [
        f"(a) April 2017 – March 2018\tHLEspend1718 Numeric <range 0-10,000,000> £ {boxes}",
        f"(b) April 2016 – March 2017\tHLEspend1617 Numeric <range 0-10,000,000> £ {boxes}",
        f"(c) April 2015 – March 2016\tHLEspend1516 Numeric <range 0-10,000,000> £ {boxes}",
    ]
    reach = question_block(blocks, "HLEreach")
    assert reach[3].splitlines()[0] == "(a) April 2017 – March 2018\tHLEreach1718 Numeric <range 0-10,000> children"


def test_grid_is_a_table_of_items_against_the_scale(blocks: list[str]) -> None:
    table = question_block(blocks, "SocWork")[-1].splitlines()
    assert table[0] == "\t\tVery confident\tFairly confident\tNot very confident\tNot at all confident"
    assert table[1].startswith("(a) Practitioners in your authority have the right knowledge")
    assert table[1].endswith("\tSocWork_a\t[ ]\t[ ]\t[ ]\t[ ]")
    assert [row.split("\t")[1] for row in table[1:]] == ["SocWork_a", "SocWork_b", "SocWork_c", "SocWork_d"]


def test_open_question_answer_line(blocks: list[str]) -> None:
    assert question_block(blocks, "SWreturn")[-1] == "Open <150 characters>"


def test_every_question_and_item_appears_once_in_order(example: Questionnaire, blocks: list[str]) -> None:
    ids = [q.id for q in example.questions()]
    positions = [blocks.index(qid) for qid in ids]
    assert positions == sorted(positions)
    assert all(blocks.count(qid) == 1 for qid in ids)
    for question in example.questions():
        if not question.items:
            continue
        rows = question_block(blocks, question.id)[-1 if question.type == "grid" else 3].splitlines()
        rows = rows[1:] if question.type == "grid" else rows
        expected = [f"{item_letter(i)} {item.text}" for i, item in enumerate(question.items)]
        assert [row.split("\t")[0] for row in rows] == expected, question.id
        variables = [row.split("\t")[1].split(" ")[0] for row in rows]
        assert variables == [item.id for item in question.items], question.id


def test_statement_has_no_answer(blocks: list[str]) -> None:
    bye = question_block(blocks, "Bye")
    assert bye[2].startswith("Thank you for taking the time")
    assert not any(b.startswith(("1. ", "Open")) for b in bye)


def test_piping_routed_section_and_routed_item() -> None:
    q = small(
        """
        survey: t
        version: v1
        title: Small
        sections:
          - id: a
            title: First
            questions:
              - id: Conf
                type: single
                text: How confident?
                options: {1: Very, 2: {label: Not at all, exclusive: false}}
              - id: Why
                type: text
                text: Why are you {Conf} confident?
                hint: About {{braces}}
          - id: b
            title: "Second: more"
            ask_if: Conf = 1
            questions:
              - id: Grid
                type: grid
                text: Rate
                options: {1: Good, 2: Bad}
                items:
                  - {id: Grid_a, text: One}
                  - {id: Grid_b, text: "Two for {Conf}", ask_if: Conf = 2}
              - id: Cost
                type: number
                text: How much?
                min: 0.5
                integer: false
                prefix: £
        """
    )
    blocks = render_text(q).split("\n\n")
    why = blocks.index("Why")
    assert blocks[why + 1] == "Why are you [answer at Conf] confident?"
    assert blocks[why + 2] == "About {braces}"
    assert blocks[why + 3] == "Open"
    assert blocks[why + 4 : why + 6] == ["Section 2: Second: more", "Ask if Conf is 1 (Very)"]
    grid = question_block(blocks, "Grid")[3].splitlines()
    assert grid[2].startswith("(b) Two for [answer at Conf] (Ask if Conf is 2 (Not at all))\tGrid_b")
    assert "Base: All respondents where Conf is 1 (Very)" in question_block(blocks, "Grid")
    assert question_block(blocks, "Cost")[3] == "Numeric <at least 0.5, decimals allowed> £"


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (None, None, "Please select all that apply."),
        (None, 3, "Please select up to three options."),
        (2, None, "Please select at least two options."),
        (1, 12, "Please select between one and 12 options."),
        (2, 2, "Please select exactly two options."),
    ],
)
def test_choice_instruction(example: Questionnaire, low: int | None, high: int | None, expected: str) -> None:
    question = example.question("SuppSou")
    assert question is not None
    changed = dataclasses.replace(question, min_choices=low, max_choices=high)
    assert choice_instruction(changed) == expected


def test_small_helpers(example: Questionnaire) -> None:
    assert [item_letter(i) for i in (0, 25, 26, 27)] == ["(a)", "(z)", "(aa)", "(ab)"]
    spend = example.question("HLEspend")
    assert spend is not None
    assert numeric_format(spend) == "Numeric <range 0-10,000,000> £ or: Don't know (-8) / Not available (-9)"
    imp = example.question("ImpEnab")
    assert imp is not None
    labels = [option_label(o) for o in example.options_of(imp)]
    assert labels[-2:] == ["Other (Please specify)", "None of these [exclusive]"]
