"""Bands of an indicator as frame attributes from a date, kept through frame reloads."""

from datetime import date

import pytest

from omnibus.context.bands import apply_bands
from omnibus.context.store import ContextError, indicator_values
from omnibus.frame.store import frame_as_of, load_frame
from tests.context.conftest import AS_OF, FRAME


def test_bands_become_a_frame_attribute_from_their_date(indicators):
    done = apply_bands("cin_rate", "2016", "cin_rate_band", date(2017, 10, 1), cuts=[100, 300, 400, 500])
    values = indicator_values("cin_rate", "2016").las
    expected = {"100-300": 0, "300-400": 0, "400-500": 0, "500+": 0}
    for area in values.values():
        label = (
            "500+"
            if area.value >= 500
            else "400-500"
            if area.value >= 400
            else "300-400"
            if area.value >= 300
            else "100-300"
        )
        expected[label] += 1
    assert done.counts == expected and sum(done.counts.values()) == 152 and done.no_band == []
    later = frame_as_of("england-la", date(2017, 10, 1))
    assert "cin_rate_band" in later.columns
    # The frame file's own band (cin_band, from the same 2016 figures) agrees LA by LA.
    assert all(u.attributes["cin_rate_band"] == u.attributes["cin_band"] for u in later.units)
    before = frame_as_of("england-la", AS_OF)
    assert all(u.attributes["cin_rate_band"] is None for u in before.units)


def test_quantile_bands_and_reloading_the_frame_keeps_them(indicators):
    done = apply_bands("cla_rate", "2016", "cla_fifth", AS_OF, groups=5)
    assert len(done.bands) == 5 and all(29 <= n <= 32 for n in done.counts.values())
    load_frame(FRAME, AS_OF)  # a reload on the same day replaces the file's values, not derived ones
    units = frame_as_of("england-la", AS_OF).units
    assert sum(1 for u in units if u.attributes["cla_fifth"]) == 152


def test_a_frame_file_column_cannot_be_overwritten(indicators):
    with pytest.raises(ContextError, match="'cin_band' is a column of the england-la frame file"):
        apply_bands("cin_rate", "2016", "cin_band", AS_OF, cuts=[100, 300])


def test_values_below_the_first_cut_have_no_band(indicators):
    done = apply_bands("cla_rate", "2016", "cla_high", AS_OF, cuts=[100, 120])
    rates = [a.value for a in indicator_values("cla_rate", "2016").las.values()]
    middle = sum(1 for r in rates if 100 <= r < 120)
    assert done.counts == {"100-120": middle, "120+": 3}  # the three at double England or more
    assert len(done.no_band) == 152 - middle - 3 and "Wokingham" in done.no_band


def test_frame_show_lists_bands_but_its_csv_still_loads(indicators, tmp_path):
    from click.testing import CliRunner

    from omnibus.site.cli.frame import frame

    apply_bands("cin_rate", "2016", "cin_rate_band", AS_OF, cuts=[100, 300, 400, 500])
    table = CliRunner().invoke(frame, ["show", "--as-of", "2017-09-01"])
    assert table.exit_code == 0 and "cin_rate_band" in table.output.splitlines()[2]
    shown = CliRunner().invoke(frame, ["show", "--as-of", "2017-09-01", "--format", "csv"])
    assert "cin_rate_band" not in shown.output.splitlines()[0]
    path = tmp_path / "frame.csv"
    path.write_text(shown.output)
    assert CliRunner().invoke(frame, ["load", str(path), "--as-of", "2018-03-31"]).exit_code == 0
    later = frame_as_of("england-la", date(2018, 3, 31))
    assert sum(1 for u in later.units if u.attributes["cin_rate_band"]) == 152  # carried on to the later version
