"""Load the reference indicators and their bands into the demo database, saying what was loaded."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from omnibus.context.bands import apply_bands
from omnibus.context.store import load_indicator, summary_of, unit_noun
from omnibus.context.variation import ExclusionRule, counted, describe_variation

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "examples" / "reference"
CONTEXT = ROOT / "examples" / "context"
ENGLAND = CONTEXT / "england_2016.csv"
AS_OF = date(2017, 9, 1)  # the demo frame's date
# The public source each indicator is cited by in a report: the files' own source columns are notes
# for whoever keeps the reference data (which extract, which sheet), not citations for readers.
CLA = "DfE, Children looked after in England including adoption: year ending 31 March 2016 (SFR 41/2016)"
CIN = "DfE, Characteristics of children in need: 2015 to 2016"
FSM = "DfE, Schools, pupils and their characteristics: January 2016"
IMD = "MHCLG, English Indices of Deprivation 2019, File 11: upper-tier local authority summaries"
OFSTED = "Ofsted, Children's social care data in England 2023: inspection outcomes"
# (file, indicator, period, column, label, unit, category, source)
INDICATORS = [
    (REFERENCE / "la_cla_rate_2016.csv", "cla_rate", "2016", "cla_rate_per_10000_31mar2016",
     "Children looked after per 10,000 children under 18", "per 10,000", False, CLA),
    (REFERENCE / "la_cin_rate_2016.csv", "cin_rate", "2016", "cin_rate_per_10000_31mar2016",
     "Children in need per 10,000 children under 18", "per 10,000", False, CIN),
    (REFERENCE / "la_fsm_jan2016.csv", "fsm_pct", "2016", "pct_fsm_all",
     "Pupils known to be eligible for free school meals", "%", False, FSM),
    (CONTEXT / "la_imd2019_utla_NOT_2015.csv", "imd_score", "2019", "imd2019_average_score",
     "IMD 2019 average score", "score", False, IMD),
    (REFERENCE / "la_ofsted_sif_2017.csv", "ofsted_sif", "2017", "sif_overall_as_at_2017_12_31",
     "Ofsted SIF judgement in force at 31 December 2017", "", True, OFSTED),
]  # fmt: skip
ENGLAND_COLUMNS = {"cla_rate": "cla_rate_per_10000_31mar2016", "cin_rate": "cin_rate_per_10000_31mar2016",
                   "fsm_pct": "pct_fsm_all"}  # fmt: skip
POPULATION = "england-la"  # the demo's indicators are of the LAs, whatever else is loaded
BANDS = [("cin_rate", "2016", "cin_rate_band", [100, 300, 400, 500], None), ("cla_rate", "2016", "cla_fifth", None, 5)]


def load_demo_context() -> list[str]:
    """Load the indicators, England's values and the bands of the demo; return lines to print."""
    lines = []
    las = unit_noun(POPULATION)
    for path, code, period, column, label, unit, category, source in INDICATORS:
        done = load_indicator(
            path, code, period, column, label, unit, source=source, population=POPULATION, categorical=category
        )
        if code in ENGLAND_COLUMNS:
            load_indicator(ENGLAND, code, period, ENGLAND_COLUMNS[code], source=source, population=POPULATION)
        lines.append(f"  {code}:{period}  {label}: {counted(done.las, las)}, {done.missing} without a value")
    for code, period, attribute, cuts, groups in BANDS:
        banded = apply_bands(code, period, attribute, AS_OF, cuts=cuts, groups=groups, population=POPULATION)
        lines.append(f"  frame attribute {attribute} from {AS_OF}: {', '.join(banded.counts)}")
    lines.append("  " + describe_variation(summary_of("cla_rate", "2016", ExclusionRule(), las), "per 10,000"))
    return lines
