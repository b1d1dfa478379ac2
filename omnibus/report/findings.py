"""Draft findings: sentences written from a figure's numbers, for the researcher to edit.

Every sentence is a `Paragraph(draft=True)`; the researcher replaces drafts with their own text
under `text:` in the report specification. A difference between waves is written as a change
("rose", "fell") only where the wave test found it significant; otherwise the two figures are
called similar and the sentence says the difference was not significant (or not tested).
"""

from __future__ import annotations

from omnibus.analysis.conventions import Conventions
from omnibus.analysis.nets import NET_MARK
from omnibus.report.document import Paragraph
from omnibus.report.figures import Bar, Bars, Stack, spoken_percent

CHANGE_WORDS = ("rose", "fell", "increase", "decrease", "up from", "down from")  # only for significant differences


def bar_findings(bars: Bars, units: str, c: Conventions) -> list[Paragraph]:
    """The most common answers and the nets, as draft sentences."""
    answers = sorted((b for b in bars.bars if not b.net and b.value is not None), key=lambda b: -(b.value or 0))
    if not answers:
        return [Paragraph(f"No responding {units} were in the base of this question.", draft=True)]
    top = answers[0]
    text = (
        f"{_capital(top.label)} was the most common answer, given by {spoken_percent(top.value, top.count, c)} "
        f"of responding {units} (n={bars.base})."
    )
    following = [f"{lower_first(b.label)} ({spoken_percent(b.value, b.count, c)})" for b in answers[1:3]]
    if following:
        text += f" It was followed by {' and '.join(following)}."
    out = [Paragraph(text, draft=True)]
    for net in (b for b in bars.bars if b.net):
        out.append(
            Paragraph(
                f"Taken together, {spoken_percent(net.value, net.count, c)} of responding {units} "
                f"answered {_quoted(plain(net.label))}.",
                draft=True,
            )
        )
    return out


def comparison_findings(bars: Bars, units: str, c: Conventions) -> list[Paragraph]:
    """This wave against the earlier one: the largest answers and every significant difference.

    In a trend, each answer is set against the wave before (as above), and any significant change
    between two earlier consecutive waves follows it.
    """
    shown = [b for b in bars.bars if b.value is not None and b.earlier is not None]
    chosen = shown[:3] + [b for b in shown[3:] if any(r.significant for r in b.readings)]
    out = bar_findings(bars, units, c)[:1]
    for bar in chosen:
        out.append(Paragraph(change_sentence(bar, bars.wave, bars.earlier_wave, units, c), draft=True))
        for pair, wave, earlier in zip(earlier_pairs(bar), bars.earlier_waves, bars.earlier_waves[1:], strict=False):
            if pair.significant:
                out.append(Paragraph(change_sentence(pair, wave, earlier, units, c), draft=True))
    return out


def earlier_pairs(bar: Bar) -> list[Bar]:
    """A trend's earlier consecutive waves as pairs, newest first: the answer in a wave against the wave before it."""
    return [
        Bar(bar.label, later.value, later.count, before.value, before.count, before.significant)
        for later, before in zip(bar.readings, bar.readings[1:], strict=False)
    ]


def change_sentence(bar: Bar, wave: str, earlier: str, units: str, c: Conventions, answer: str = "") -> str:
    """One answer (or, for a grid, `answer` for the item `bar.label`) in two waves.

    A change only when the test found the difference significant.
    """
    now = spoken_percent(bar.value, bar.count, c)
    then = spoken_percent(bar.earlier, bar.earlier_count, c)
    subject = f"The share of responding {units} answering {_quoted(plain(answer or bar.label))}"
    if answer:
        subject += f" for {_quoted(bar.label)}"
    if bar.significant and bar.value is not None and bar.earlier is not None and bar.value != bar.earlier:
        verb = "rose" if bar.value > bar.earlier else "fell"
        return f"{subject} {verb} from {then} in {earlier} to {now} in {wave}, a significant difference."
    why = "was not tested (too small a base)" if bar.significant is None else "was not significant"
    return f"{subject} in {wave} ({now}) was similar to {earlier} ({then}): the difference {why}."


def stack_findings(stack: Stack, units: str, c: Conventions) -> list[Paragraph]:
    """For a grid: the item with the highest share in its first net (or first answer), and the lowest."""
    if stack.nets:
        label, values = stack.nets[0]
        counts: list[float | None] = [None] * len(values)
    elif stack.headings:
        label = stack.headings[0]
        values = [row[0] for row in stack.values]
        counts = [row[0] for row in stack.counts]
    else:
        return []
    ranked = sorted(
        ((v, n, item) for v, n, item in zip(values, counts, stack.items, strict=True) if v is not None),
        key=lambda t: -t[0],
    )
    if not ranked:
        return [Paragraph(f"No responding {units} were in the base of this question.", draft=True)]
    high = ranked[0]
    share = spoken_percent(high[0], high[1], c)
    text = f"Responding {units} most often answered {_quoted(plain(label))} for {_quoted(high[2])} ({share})"
    if len(ranked) > 1:
        low = ranked[-1]
        text += f", and least often for {_quoted(low[2])} ({spoken_percent(low[0], low[1], c)})"
    return [Paragraph(text + ".", draft=True)]


def stack_comparison_findings(stack: Stack, units: str, c: Conventions) -> list[Paragraph]:
    """A grid against the earlier wave: each item's compared answer, a change only where significant."""
    return [
        Paragraph(change_sentence(bar, stack.wave, stack.earlier_wave, units, c, stack.compared_answer), draft=True)
        for bar in stack.compared
        if bar.value is not None and bar.earlier is not None
    ]


def summary_findings(shown: Bars | Stack, units: str, c: Conventions) -> list[Paragraph]:
    """What a figure adds to the executive summary: its headline nets and its significant changes, in words.

    Each sentence names the figure's subject (its title), so the summary reads without the figures.
    """
    topic = shown.title
    out = []
    if isinstance(shown, Bars):
        for net in (b for b in shown.bars if b.net and b.value is not None):
            share = spoken_percent(net.value, net.count, c)
            out.append(f"{topic}: {share} of responding {units} answered {_quoted(plain(net.label))}.")
        for bar in (b for b in shown.bars if b.significant):
            out.append(f"{topic}: {lower_first(change_sentence(bar, shown.wave, shown.earlier_wave, units, c))}")
    else:
        for label, values in shown.nets[:1]:
            known = [(v, item) for v, item in zip(values, shown.items, strict=True) if v is not None]
            if known:
                low, high = min(known), max(known)
                out.append(
                    f"{topic}: between {spoken_percent(low[0], None, c)} and {spoken_percent(high[0], None, c)} of "
                    f"responding {units} answered {_quoted(plain(label))}, most often for {_quoted(high[1])}."
                )
        out += [
            f"{topic}: "
            + lower_first(change_sentence(b, shown.wave, shown.earlier_wave, units, c, shown.compared_answer))
            for b in shown.compared
            if b.significant
        ]
    return [Paragraph(text, draft=True) for text in out]


def plain(label: str) -> str:
    """A row label in plain words: a net's "NET: " prefix (the tab book's mark) left off."""
    return label.removeprefix(NET_MARK)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """Lower the first letter of a label for the middle of a sentence, unless it is a name or starts an acronym.

    "Peer review of services" becomes "peer review of services"; "DfE support", "Every Child a
    Talker (ECAT)" and "Incredible Years (toddler)" (names: half their other words capitalised) stay.
    """
    words = text.split()
    if not words or len(words[0]) < 2 or not words[0][1:].islower():
        return text
    others = [w.strip("()‘’'\"") for w in words[1:]]
    others = [w for w in others if w[:1].isalpha()]
    if others and sum(w[0].isupper() for w in others) * 2 >= len(others):
        return text
    return text[:1].lower() + text[1:]


def _quoted(text: str) -> str:
    return f"‘{text}’"
