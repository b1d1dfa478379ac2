"""Export a stored wave's dataset: build it, label its frame columns, write it with its codebook.

What `omnibus export` and the back office's dataset builds both call, so a file made on the web
is the file the command line writes.
"""

from __future__ import annotations

from pathlib import Path

from omnibus.dataset.build import build_dataset
from omnibus.dataset.exporting import Exported, export_dataset
from omnibus.frame.store import stored_schema


def export_wave(
    wave,  # noqa: ANN001 - a fieldwork Wave
    fmt: str,
    output: Path,
    client: bool = False,
    with_open_text: bool = False,
    keep: tuple[str, ...] | None = None,
) -> Exported:
    """Write `wave`'s dataset in `fmt` to `output` with its codebook; the client's copy when `client` is set.

    `keep`: the frame attributes a client copy keeps (None: the population's `client_attributes`).
    """
    schema = stored_schema(wave.population)  # the labels only: the dataset reads the frame itself
    labels = dict(zip(schema.column_names, schema.column_labels, strict=True))
    return export_dataset(build_dataset(wave), fmt, output, client, with_open_text, keep, frame_labels=labels)
