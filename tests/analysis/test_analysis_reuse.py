"""What tables reuse between tables (domain sizes per section and units asked) equals working it out afresh."""

import numpy as np
import pytest

from omnibus.analysis.spec import parse_spec
from omnibus.analysis.synthetic import synthetic_dataset
from omnibus.analysis.tables import _column_bases, _domains, prepare, shared_ids

SPEC = parse_spec({"breakdowns": {"region_group": {"label": "Region"}, "type": {"label": "Type"}}})


@pytest.mark.parametrize("question", ["HelpSupp", "ConfUnd", "SBrecoup", "SBcosteff", "HLEspend"])
def test_each_columns_domain_size_is_its_own_whatever_the_tables_before_it(wave3, question):
    dataset = synthetic_dataset(wave3, 3000, seed=5, wave="w3")
    main = prepare(dataset, SPEC)
    shared_ids([main])
    q = wave3.question(question)
    names = [q.items[0].id] if q.items else [q.id]
    before = "SBcosteff" if question == "SBrecoup" else "SWoff"  # a question before it without a condition
    other = wave3.question(before)
    _column_bases(main, [], [other.id], other.section, lambda p: np.ones(p.dataset.data.height, bool))
    bases = _column_bases(main, [], names, q.section, lambda p: np.ones(p.dataset.data.height, bool))
    reached = main.reached(q.section)
    state = reached.astype(np.int64) + (reached & (main.values(names[0]) != -1))
    expected = np.concatenate([_domains(p.codes, len(p.labels), state, p.population) for p in main.partitions])
    np.testing.assert_allclose([b.population for b in bases], expected)
    if q.ask_if and q.section == other.section:
        assert len(main.domains) == 2 * len(main.partitions)  # asked of other units: tallied apart
