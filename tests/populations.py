"""A small made-up population (not LAs) for tests that every part follows the population, not the CSO's."""

from pathlib import Path

TINY_SCHEMA = """\
slug: tiny-forums
title: Tiny made-up forums
key: forum_id
name: forum_name
unit:
  noun: forum
  plural: forums
codes:
  forum_id:
    pattern: '^F\\d{3}$'
attributes:
  size_band:
    label: Forum size
    kind: category
    values: [Small, Large]
  charity:
    label: Registered charity
    kind: category
    values: ['Yes', 'No']
  years_running:
    label: Years running
    kind: number
merge_fields: [size_band]
profile:
  size_band:
    label: Forum size
  charity:
    label: Registered charity
  years_running:
    label: Years running
    bands: {Under 5: [0, 5], 5 or more: [5, null]}
"""

PLACES = ("Northshire", "Southshire", "Eastshire", "Westshire", "Midshire", "Uppershire")


def tiny_frame(units: int = 3) -> str:
    """A frame of `units` made-up forums: sizes alternate Small, Large; every third is a charity;
    forum i has run i % 10 years."""
    rows = [
        f"F{i:03d},{PLACES[i % 6]} Forum {i},{('Small', 'Large')[i % 2]},{('Yes', 'No', 'No')[i % 3]},{i % 10}"
        for i in range(1, units + 1)
    ]
    return "\n".join(["forum_id,forum_name,size_band,charity,years_running", *rows]) + "\n"


def tiny_population(folder: Path, units: int = 3) -> tuple[Path, Path]:
    """Write the made-up population's schema and frame into `folder`; return (schema, frame) paths."""
    schema, frame = folder / "tiny-forums.yaml", folder / "tiny-forums.csv"
    schema.write_text(TINY_SCHEMA, encoding="utf-8")
    frame.write_text(tiny_frame(units), encoding="utf-8")
    return schema, frame
