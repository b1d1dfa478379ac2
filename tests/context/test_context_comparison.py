"""A respondent's answers beside its statistical neighbours': everyone named for researchers, consent for clients."""

import pytest

from omnibus.context.comparison import ComparisonError, compare_with_neighbours
from omnibus.context.neighbours import statistical_neighbours
from omnibus.context.store import indicator_values
from omnibus.dataset.exporting import consent_variable
from omnibus.frame.schema import UnitNoun


def neighbourhood_of_a_consenting_unit(dataset, agreed):
    values = {}
    names = {}
    for code, period in (("cla_rate", "2016"), ("imd_score", "2019")):
        found = indicator_values(code, period)
        for key, value in found.by_key().items():
            values.setdefault(key, {})[code] = value
            names[key] = found.las[key].name if key in found.las else key
    target = next(k for k in agreed if k in values and values[k]["imd_score"] is not None)
    return statistical_neighbours(target, values, names, ["cla_rate", "imd_score"], count=10)


def test_researchers_see_every_neighbour_clients_only_those_that_consented(indicators, simulated):
    dataset = simulated.dataset
    variable, yes = consent_variable(dataset)
    data = dataset.data
    agreed = set(data.filter(data[variable] == yes)["unit"].to_list())
    hood = neighbourhood_of_a_consenting_unit(dataset, sorted(agreed))
    units = UnitNoun("local authority", "local authorities")
    researcher = compare_with_neighbours(dataset, hood, ["ConfUnd"], "researcher", units)
    assert len(researcher.rows) == 11 and researcher.rows[0].label.endswith("(this local authority)")
    assert "For researchers only: every local authority is named." in researcher.notes
    client = compare_with_neighbours(dataset, hood, ["ConfUnd"], "client")
    named = [n for n in hood.neighbours if n.key in agreed]
    hidden = [n for n in hood.neighbours if n.key not in agreed]
    assert len(client.rows) == 1 + len(named) + (1 if hidden else 0)
    shown = " ".join(r.label for r in client.rows)
    assert all(n.name not in shown for n in hidden)
    if hidden:
        assert client.rows[-1].label == f"Other neighbours ({len(hidden)}, not named)"
    refused = next(k for k in data["unit"].to_list() if k not in agreed)
    hood.key, hood.name = refused, "An LA that did not consent"
    with pytest.raises(ComparisonError, match="did not consent"):
        compare_with_neighbours(dataset, hood, ["ConfUnd"], "client")
