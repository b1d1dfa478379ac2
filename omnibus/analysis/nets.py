"""Nets: a row that counts a unit once if it gave any of several codes ("Very or fairly confident").

Nets come from the analysis spec (`nets: {ConfUnd: {"Very or fairly confident": [1, 2]}}`);
a net on a grid applies to each of its items, and a net on a multiple-choice question
counts a unit that chose any of the codes (so a net of a multi is at most 100%, unlike the
sum of its rows).
"""

from __future__ import annotations

import numpy as np

from omnibus.questionnaire.model import Option

NET_MARK = "NET: "  # the tab book's mark of a net's row


def net_label(label: str, codes: tuple[int, ...], options: list[Option]) -> str:
    """The row label of a net, naming its codes: "NET: Very or fairly confident (1, 2)"."""
    known = {o.code for o in options}
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValueError(f"net {label!r} names codes {unknown} that the question does not have")
    return f"{NET_MARK}{label}"


def net_in_words(label: str) -> str:
    """A row label as a heading or a release reads it: a net's "NET: Very or fairly confident" becomes
    "Very or fairly confident (net)"; any other label is kept."""
    return f"{label.removeprefix(NET_MARK)} (net)" if label.startswith(NET_MARK) else label


def single_net(values: np.ndarray, codes: tuple[int, ...]) -> np.ndarray:
    """1 where a single-choice (or grid item) value is one of the net's codes, else 0."""
    return np.isin(values, np.asarray(codes)).astype(float)
