"""Fuzzing every survey and office form: 2,000 seeded hostile requests, none answered with a server error.

`bench/fuzz.py` runs the long version (20,000 requests and more). On PostgreSQL in CI, where a NUL
in text or a number too big for a column is an error of the database, not only of Omnibus.
"""

from __future__ import annotations

import pytest

from tests.fuzzing import Fuzzer, question_pages, standard_visitors

REQUESTS = 2000


@pytest.mark.django_db
def test_no_request_gets_a_server_error(small_wave, signed_in, questionnaire) -> None:  # noqa: ANN001
    from omnibus.fieldwork.codes import unseal
    from omnibus.fieldwork.contacts import add_contact
    from tests.waves import SIMULATED

    wave = small_wave("fuzz")
    units = list(wave.units.order_by("name"))
    for number, unit in enumerate(units):
        add_contact(unit, "test", f"Contact {number}", f"contact{number}@example.com")
    visitors = standard_visitors(
        unseal(units[0].code_sealed),
        lambda: signed_in("researcher"),
        lambda: signed_in("client"),
        ["fuzz", SIMULATED],
        question_pages(questionnaire),
    )
    tally = Fuzzer(visitors, seed=14).run(REQUESTS)
    assert tally.requests == REQUESTS
    assert tally.errors == 0, "\n".join(tally.failures[:20])
