"""The context charts: drawn on axes for the report, written as files for the commands."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from omnibus.context.measure import Measure  # noqa: E402
from omnibus.context.variation import AreaValue  # noqa: E402
from omnibus.frame.schema import UnitNoun  # noqa: E402
from omnibus.report.chapters.context_charts import draw_chart, write_chart  # noqa: E402
from omnibus.report.chapters.context_figures import scatter_figure  # noqa: E402
from omnibus.report.document import Chart, Point  # noqa: E402
from omnibus.report.palette import OKABE_ITO  # noqa: E402


def test_scatter_draws_every_point_the_fit_and_labels_on_request():
    chart = Chart("scatter", points=[Point("A", 1, 2), Point("B", 2, 4.5, True), Point("C", 3, 6)], fit=(0.0, 2.0),
                  label_points=True, x_label="IMD", y_label="Rate")  # fmt: skip
    figure, ax = plt.subplots()
    draw_chart(chart, ax)
    drawn = sum(len(c.get_offsets()) for c in ax.collections)
    assert drawn == 3
    assert matplotlib.colors.to_hex(ax.collections[0].get_facecolor()[0]) == OKABE_ITO[0].lower()
    (line,) = ax.get_lines()
    assert list(line.get_ydata()) == [2.0, 6.0]
    assert [t.get_text() for t in ax.texts] == ["B"]  # the highlighted point, when some are
    assert ax.get_xlabel() == "IMD"
    plt.close(figure)


def test_distribution_draws_the_values_and_reference_lines():
    chart = Chart("distribution", values=[22, 40, 60, 61, 80, 164], reference={"England (60)": 60, "Double": 120})
    figure, ax = plt.subplots()
    draw_chart(chart, ax)
    assert sum(p.get_height() for p in ax.patches) == 6
    assert sorted(line.get_xdata()[0] for line in ax.get_lines()) == [60, 120]
    plt.close(figure)


def test_write_chart_writes_png_and_svg_and_refuses_other_kinds(tmp_path):
    x = Measure("IMD", "score", "2019", {k: AreaValue(k, k, v) for k, v in [("1", 10), ("2", 20), ("3", 30), ("4", 5)]})
    y = Measure("Rate", "", "2016", {k: AreaValue(k, k, v) for k, v in [("1", 40), ("2", 70), ("3", 95), ("4", 0)]})
    figure = scatter_figure(x, y, units=UnitNoun("school", "schools"))
    assert figure.base == "Base: schools with both values (n=3)"  # the 0 is left out by the stated rule
    assert "Schools with a value of 0 are left out: 4 (a value of 0)" in figure.notes
    assert figure.alt.startswith("Scatter of 3 schools: ")
    png = write_chart(figure.chart, tmp_path / "s.png", figure.title, figure.notes)
    assert png.read_bytes()[:4] == b"\x89PNG"
    svg = write_chart(figure.chart, tmp_path / "s.svg")
    assert "<svg" in svg.read_text()
    with pytest.raises(ValueError, match="not 'bar'"):
        draw_chart(Chart("bar"), plt.subplots()[1])
    with pytest.raises(ValueError, match=".png or .svg"):
        write_chart(figure.chart, tmp_path / "s.jpg")
