"""The report's introduction, methodology and response, filled in from the wave's own records.

Fieldwork dates come from the wave; invitations and reminders from its message campaigns (an
email counts as sent once the outbox has sent it; failed and bounced ones are not counted);
complete and partial responses and Table 1 from `omnibus.analysis.profile`, the code behind
the tab book's Response sheet and the tracking page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from omnibus.analysis.conventions import number_text
from omnibus.analysis.dataset import Dataset
from omnibus.analysis.inference import inference_statement
from omnibus.analysis.profile import ResponseTables, response_tables
from omnibus.analysis.spec import AnalysisSpec
from omnibus.fieldwork.models import Campaign, Message
from omnibus.report.document import Chapter, DataTable, Paragraph
from omnibus.report.figures import listed

INVITATION = "invitation"  # campaigns of templates named invitation*; every other campaign is a reminder


@dataclass(frozen=True)
class Fieldwork:
    """What the methodology says about fieldwork, read from the wave's records."""

    wave: str
    title: str
    opens: date
    closes: date
    units: int  # units invited to take part (the wave's units)
    invitations: int  # invitation emails sent
    invited_units: int  # units sent at least one invitation
    reminder_rounds: int  # reminder campaigns
    reminders: int  # reminder emails sent


def fieldwork_of(wave) -> Fieldwork:  # noqa: ANN001 - a fieldwork Wave
    """The wave's fieldwork dates and the invitations and reminders its campaigns sent."""
    campaigns = list(Campaign.objects.filter(wave=wave))
    invitation_ids = [c.pk for c in campaigns if c.template_name.startswith(INVITATION)]
    reminder_ids = [c.pk for c in campaigns if c.pk not in invitation_ids]
    sent = Message.objects.filter(campaign__wave=wave, status=Message.SENT)
    invitations = sent.filter(campaign_id__in=invitation_ids)
    reminder_rounds = len({c.pk for c in campaigns if c.pk in reminder_ids and c.messages.exists()})
    return Fieldwork(
        wave.slug,
        wave.title,
        wave.opens_at.date(),
        wave.closes_at.date(),
        wave.units.count(),
        invitations.count(),
        invitations.values("wave_unit").distinct().count(),
        reminder_rounds,
        sent.filter(campaign_id__in=reminder_ids).count(),
    )


def day(d: date) -> str:
    """ "4 October 2017"."""
    return f"{d.day} {d:%B %Y}"


def response_of(dataset: Dataset) -> ResponseTables:
    """Units that took part, those that completed every section they were offered, and the rest (Table 1 too)."""
    return response_tables(dataset, [])


def response_table(dataset: Dataset) -> DataTable:
    """Table 1: complete and partial responses and the response rate, section by section."""
    rows = [[r.title, str(r.complete), str(r.partial), f"{r.rate_text}%"] for r in response_of(dataset).sections]
    return DataTable(
        f"{dataset.display_name}: response rate by questionnaire section",
        ["Section", "Complete responses (n)", "Partial responses (n)", "Response rate"],
        rows,
        [f"Response rate: complete and partial responses as a share of all {dataset.population_size} units."],
        source="response",
    )


def introduction_chapter(
    fieldwork: Fieldwork,
    dataset: Dataset,
    units: str,
    background: str,
    extra: str,
    earlier: list[str],
    spec: AnalysisSpec | None = None,
) -> Chapter:
    """Introduction: background, survey methodology (filled from the wave), presentation of data."""
    response = response_of(dataset)
    spec = spec or AnalysisSpec()
    chapter = Chapter("Introduction", key="introduction")
    background_text = background or (
        f"This report presents the findings of {fieldwork.title}. The survey asked all {fieldwork.units} "
        f"{units} in the population about the questionnaire's topics, section by section."
    )
    chapter.blocks.append(
        Chapter(
            "Background", [Paragraph(p, draft=not background) for p in _paragraphs(background_text)], key="background"
        )
    )
    methodology = Chapter("Survey methodology", key="methodology")
    methodology.blocks.extend(Paragraph(p) for p in _paragraphs(extra))
    methodology.blocks.append(Paragraph(_invitation_text(fieldwork, units)))
    methodology.blocks.append(
        Paragraph(
            f"The fieldwork ran from {day(fieldwork.opens)} to {day(fieldwork.closes)}. In total, "
            f"{response.took_part} {units} took part: a response rate of {number_text(response.rate)} per cent. "
            f"{response.complete} {units} completed every section of the survey and {response.partial} "
            "completed some of it."
        )
    )
    methodology.blocks.append(Paragraph("The response to each section varied, as Table 1 shows."))
    methodology.blocks.append(response_table(dataset))
    chapter.blocks.append(methodology)
    chapter.blocks.append(presentation_chapter(dataset, units, earlier, spec))
    return chapter


def _invitation_text(fieldwork: Fieldwork, units: str) -> str:
    if not fieldwork.invitations:
        return (
            f"All {fieldwork.units} {units} were invited to take part; no invitation emails were sent "
            "through Omnibus for this wave."
        )
    reminders = (
        f" {fieldwork.reminder_rounds} reminder round{'s' if fieldwork.reminder_rounds != 1 else ''} "
        f"followed, {fieldwork.reminders} reminder email{'s' if fieldwork.reminders != 1 else ''} in all."
        if fieldwork.reminder_rounds
        else " No reminder emails were sent."
    )
    return (
        f"All {fieldwork.units} {units} were invited to take part: {fieldwork.invitations} invitation "
        f"email{'s' if fieldwork.invitations != 1 else ''} went to {fieldwork.invited_units} {units}, each with "
        f"a link to the web survey and the unit's own access code.{reminders}"
    )


def presentation_chapter(dataset: Dataset, units: str, earlier: list[str], spec: AnalysisSpec) -> Chapter:
    """How to read the figures: census, bases, symbols and significance (what the tests ask, in words)."""
    level = round(spec.confidence * 100)
    compared = (
        f" Figures of {dataset.display_name} are compared with {listed(earlier)}"
        + ("; changes are tested between consecutive waves" if len(earlier) > 1 else "")
        + f"; a difference is called a change only where the test found it significant at the {level}% level, "
        "allowing for the units answering in both waves, and not where the question's wording or answers changed "
        "between the waves."
        if earlier
        else ""
    )
    c = spec.conventions
    symbols = "; ".join(f"{symbol} {meaning}" for symbol, meaning in c.symbols() if symbol)
    return Chapter(
        "Presentation and interpretation of data",
        [
            Paragraph(
                f"The survey was a census of {dataset.population_size} {units}, not all of whom responded, and the "
                f"number of units is small, so care is needed when reading the results.{compared}"
            ),
            Paragraph(" ".join(inference_statement(spec))),
            Paragraph(
                "Every figure and table gives its base: the units asked the question and answering it"
                + (', including those who answered "Don\'t know"' if spec.missing_in_base else "")
                + ". Bases differ from question to question; read each figure with its base. Where a base is under "
                f"{c.low_base}, counts are shown beside percentages."
            ),
            Paragraph(f"In tables: {symbols}. {c.rounding_note()}"),
        ],
        key="presentation",
    )


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in (text or "").split("\n\n") if p.strip()]
