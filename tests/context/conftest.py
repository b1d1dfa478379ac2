"""Fixtures of the context tests: the reference indicators over the session's 2017 frame, a simulated wave."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.waves import AS_OF, CLOSES, OPENS, ensure_wave3, new_wave

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "examples" / "reference"
CONTEXT = ROOT / "examples" / "context"
FRAME = ROOT / "examples" / "frame" / "england-la-2017.csv"
CLA = REFERENCE / "la_cla_rate_2016.csv"
CIN = REFERENCE / "la_cin_rate_2016.csv"
ENGLAND = CONTEXT / "england_2016.csv"
IMD = CONTEXT / "la_imd2019_utla_NOT_2015.csv"


@pytest.fixture
def frame(db):
    """The 2017 frame of the 152 LAs (loaded with the session's set-up)."""
    from omnibus.frame.models import FrameVersion

    return FrameVersion.objects.get(population__slug="england-la", as_of=AS_OF)


@pytest.fixture
def indicators(frame):
    """Looked-after and children-in-need rates 2016 with England's, and IMD 2019."""
    load_the_indicators()


@pytest.fixture
def wave(frame):
    """A wave over the 2017 frame with simulated answers (a fixed seed)."""
    return make_simulated_wave()


@dataclass
class Simulated:
    """A simulated wave's dataset with two band attributes, built once for the tests that only read it."""

    dataset: object  # omnibus.analysis.dataset.Dataset
    cin: dict  # unit key -> AreaValue of the 2016 children-in-need rate
    cla_fifths: dict  # band label -> LAs, as banding counted them


@pytest.fixture(scope="session")
def simulated(django_db_setup, django_db_blocker):
    """The wave of `wave`, banded by cin_rate (cuts) and cla_rate (fifths), built in a transaction then undone."""
    from django.db import transaction

    from omnibus.context.bands import apply_bands
    from omnibus.context.store import indicator_values
    from omnibus.dataset.build import build_dataset

    with django_db_blocker.unblock(), transaction.atomic():
        ensure_wave3()  # the frame, unless a test that commits flushed it away
        load_the_indicators()
        made = make_simulated_wave()
        apply_bands("cin_rate", "2016", "cin_rate_band", AS_OF, cuts=[100, 300, 400, 500])
        fifths = apply_bands("cla_rate", "2016", "cla_fifth", AS_OF, groups=5, label="Looked-after rate, fifths")
        result = Simulated(build_dataset(made), indicator_values("cin_rate", "2016").las, fifths.counts)
        transaction.set_rollback(True)
    return result


def load_the_indicators() -> None:
    from omnibus.context import demo
    from omnibus.context.store import load_indicator

    cla, cin = "cla_rate_per_10000_31mar2016", "cin_rate_per_10000_31mar2016"
    load_indicator(CLA, "cla_rate", "2016", cla, "Children looked after per 10,000", source=demo.CLA)
    load_indicator(ENGLAND, "cla_rate", "2016", cla, source=demo.CLA)
    load_indicator(CIN, "cin_rate", "2016", cin, "Children in need per 10,000", source=demo.CIN)
    load_indicator(ENGLAND, "cin_rate", "2016", cin, source=demo.CIN)
    load_indicator(IMD, "imd_score", "2019", "imd2019_average_score", "IMD 2019 average score", source=demo.IMD)


def make_simulated_wave():
    """Wave cso-w3 over the 152 LAs, simulated with its own seed (3) and response rate (0.6)."""
    from omnibus.dataset.simulate import simulate

    made = new_wave("cso-w3", OPENS, CLOSES, title="CSO Wave 3")
    simulate(made, seed=3, response_rate=0.6)
    return made
