"""The wave page's Table 1 and Table 3 equal the seed's, from a wave built to match the seed's counts.

The frame (a CSV written here, england-la schema) and the section states reproduce the seed's Table 2
and Table 3 counts (as tests/analysis do for a dataset); the page computes them through
`omnibus.analysis.profile`. FSM is left out: the frame has no FSM band.
"""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from scipy import stats

from omnibus.fieldwork.models import SectionState, Wave
from omnibus.fieldwork.tracking import profile_dataset, tracking_tables
from omnibus.fieldwork.waves import create_wave
from omnibus.frame.store import load_frame
from tests.analysis.test_analysis_profile import SEED_PRINTED, SEED_TABLE_3

pytestmark = pytest.mark.django_db

TOTAL, TOOK_PART = 152, 77
HEADER = "gss_code,dfe_la_code,name,type,region,region_code,region_group,fsm_pct,cin_rate,cin_band,cla_rate,ofsted"
REGION_OF = {"North": "North East", "East & Midlands": "East Midlands", "London & South": "London"}
CIN_RATE_OF = {"100-300": "200", "300-400": "350", "400-500": "450", "500+": "550"}
OFSTED_OF = {"Requires improvement": "Requires improvement to be good", "No rating available": ""}
UNITARY_KINDS = ("unitary", "metropolitan district", "London borough")  # the seed's "Unitary"
# The seed's Table 2: section -> (complete, partial), and which of the 77 responding units (0..76) answer it,
# so that together they cover all 77.
SECTIONS = {"csc": (68, 3, 0), "eyc": (52, 7, 18), "send": (54, 1, 0)}  # (complete, partial, first unit)
SEED_TABLE_1 = {"csc": ("68", "3", "47%"), "eyc": ("52", "7", "39%"), "send": ("54", "1", "36%")}
SHOWN = {b: v for b, v in SEED_TABLE_3.items() if b != "fsm_band"}


def _values(counts: dict[str, tuple[int, int]]) -> list[str]:
    """Each unit's value: the 77 that take part first, then the rest, matching each value's two counts."""
    took = [v for v, (_, n) in counts.items() for _ in range(n)]
    rest = [v for v, (big_n, n) in counts.items() for _ in range(big_n - n)]
    assert len(took) == TOOK_PART and len(took) + len(rest) == TOTAL
    return took + rest


def seed_frame_csv(path: Path) -> Path:
    """152 LAs whose attributes have the seed's Table 3 counts, the first 77 being those that take part."""
    columns = {name: _values(counts) for name, counts in SHOWN.items()}
    lines = [HEADER]
    for i in range(TOTAL):
        kind = "county" if columns["type"][i] == "County" else UNITARY_KINDS[i % 3]
        group, cin, ofsted = columns["region_group"][i], columns["cin_band"][i], columns["ofsted"][i]
        rated = OFSTED_OF.get(ofsted, ofsted)
        lines.append(
            f"E06{i:06d},{100 + i:03d},LA {i},{kind},{REGION_OF[group]},,{group},,{CIN_RATE_OF[cin]},,,{rated}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def seed_states(wave: Wave) -> None:
    """SectionState rows with the seed's Table 2 counts; a non-respondent's visit that answered nothing."""
    units = list(wave.units.order_by("unit__key"))
    rows = []
    for section, (complete, partial, first) in SECTIONS.items():
        for offset in range(complete + partial):
            status = SectionState.COMPLETED if offset < complete else SectionState.IN_PROGRESS
            rows.append(SectionState(wave_unit=units[first + offset], section=section, status=status))
    rows.append(SectionState(wave_unit=units[100], section="csc", status=SectionState.NOT_STARTED))
    SectionState.objects.bulk_create(rows)


@pytest.fixture
def seed_wave(tmp_path: Path, stored_questionnaire) -> Wave:  # noqa: ANN001
    """Wave w3 over the seed's 152 LAs, a frame loaded over the 2017 one, with the seed's section states."""
    stored = stored_questionnaire
    load_frame(seed_frame_csv(tmp_path / "frame.csv"), date(2017, 9, 1))
    now = timezone.now()
    wave = create_wave("w3", "Wave 3", stored, "england-la", date(2017, 9, 1), now, now + timedelta(days=30))
    seed_states(wave)
    return wave


def _table(page: str, table_id: str) -> str:
    start = page.index(f'id="{table_id}"')
    return page[start : page.index("</table>", start)]


def _cells(row: str) -> list[str]:
    return [c.strip() for c in re.findall(r"<td[^>]*>([^<]*)</td>", row)]


def test_the_light_dataset_has_a_row_per_unit_and_the_seed_respondents(seed_wave: Wave) -> None:
    dataset = profile_dataset(seed_wave)
    assert dataset.data.height == dataset.population_size == TOTAL
    tables = tracking_tables(seed_wave)
    assert tables.took_part == TOOK_PART
    assert [(r.section, r.complete, r.partial) for r in tables.sections] == [
        (s, c, p) for s, (c, p, _) in SECTIONS.items()
    ]


def test_the_wave_page_shows_the_seeds_table_1(seed_wave: Wave, signed_in) -> None:
    page = signed_in("client").get("/office/waves/w3/").content.decode()
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", _table(page, "table-1"), re.S)
    assert [tuple(_cells(r)) for r in rows if _cells(r)] == list(SEED_TABLE_1.values())
    assert "77 of 152 local authorities have responded" in page


def test_the_wave_page_shows_the_seeds_table_3_to_the_decimal(seed_wave: Wave, signed_in) -> None:
    page = signed_in("client").get("/office/waves/w3/").content.decode()
    rows = re.findall(r'data-row="([^"]+)">(.*?)</tr>', _table(page, "table-3"), re.S)
    seen = set()
    for name_label, row in rows:
        name, label = html.unescape(name_label).split(":", 1)
        population, pop_pct, took, took_pct, rate = _cells(row)
        if label == "Total":
            assert (population, pop_pct, took, took_pct) == ("152", "100.0", "77", "100.0"), name
            continue
        assert (int(population), int(took)) == SHOWN[name][label], label
        assert (pop_pct, took_pct, rate) == SEED_PRINTED[label], label
        seen.add(label)
    assert seen == {label for counts in SHOWN.values() for label in counts}
    assert "LA 1<" not in page  # figures only: no unit names for a client


def test_the_chi_square_line_under_table_3(seed_wave: Wave, signed_in) -> None:
    page = html.unescape(signed_in("client").get("/office/waves/w3/").content.decode())
    tests = page[page.index('id="table-3-tests"') :]
    region = stats.chi2_contingency([[26, 19, 32], [24, 15, 36]], correction=False)
    assert f"taking part against the attribute: {region.statistic:.2f} on 2 df, p = {region.pvalue:.3f}." in tests
    assert "exact p = " in tests  # Ofsted: 2 outstanding authorities
    assert "Percentages are of the 152 units with a value for Region (population)" in tests
    assert "R-indicator" in tests
