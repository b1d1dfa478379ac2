"""Build simulated answers to the APPG survey of directors of children's services (Annex B iv).

The inquiry published its survey's figures, not its data, so these answers are made up and built
to reproduce what it printed: 79 of the 152 directors answered; the average vacancy rate was 16
per cent; the average agency rate was 16 per cent, above 40 per cent in five authorities and 100
per cent in one; 80 per cent were part of a memorandum of understanding on agency staff; 54 per
cent expected practice leaders to be accredited in 2017; 89 per cent found it more challenging
to fulfil their section 17 duties than five years before. Which authorities answered, and every
individual figure, are invented (seeded, so the file is the same each time it is built).

Writes `appg-dcs-2016-answers.csv` next to this script, for
`omnibus responses import WAVE examples/answers/appg-dcs-2016-answers.csv`. Run from anywhere:
`python examples/answers/build_appg_answers.py`. The output is committed.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
FRAME = HERE.parent / "frame" / "england-la-by-year" / "england-la-2016.csv"
OUT = HERE / "appg-dcs-2016-answers.csv"
RESPONDENTS = 79
# Published counts behind the percentages: 63/79 = 79.7% (80), 43/79 = 54.4% (54), 70/79 = 88.6% (89).
MOU_YES, LEADERS_YES, HARDER = 63, 43, 70
NO_CHANGE = 6  # the rest of section 17's answers: no change, then easier
# The rates are asked as at 31 December 2016; a few directors gave their latest snapshot instead.
OTHER_DATES = ["2016-09-30", "2016-10-31", "2016-11-30"]
OTHER_DATE_SHARE = 0.1


def rates_with_mean(rng: random.Random, fixed: list[float], count: int, mean: float, high: float) -> list[float]:
    """`count` rates to one decimal, `fixed` among them, with mean exactly `mean` and the others below `high`."""
    free = count - len(fixed)
    target = round(mean * count - sum(fixed), 1)
    while True:
        draws = [rng.uniform(2, high) for _ in range(free)]
        scale = target / sum(draws)
        values = [round(d * scale, 1) for d in draws]
        values[-1] = round(target - sum(values[:-1]), 1)
        if all(0 <= v < high for v in values):
            return fixed + values


def main() -> None:
    """Write the answers file."""
    rng = random.Random(20161208)  # the day the survey was sent
    with FRAME.open(newline="", encoding="utf-8") as handle:
        units = [row["dfe_la_code"] for row in csv.DictReader(handle)]
    responding = sorted(rng.sample(units, RESPONDENTS))
    vacancy = rates_with_mean(rng, [], RESPONDENTS, 16.0, 36.0)
    agency = rates_with_mean(rng, [100.0, 58.0, 47.5, 44.0, 41.2], RESPONDENTS, 16.0, 30.0)
    rng.shuffle(vacancy)
    rng.shuffle(agency)
    mou = [1] * MOU_YES + [2] * (RESPONDENTS - MOU_YES)
    leaders = [1] * LEADERS_YES + [2] * (RESPONDENTS - LEADERS_YES)
    s17 = [1] * HARDER + [2] * NO_CHANGE + [3] * (RESPONDENTS - HARDER - NO_CHANGE)
    for answers in (mou, leaders, s17):
        rng.shuffle(answers)
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["unit", "Vacancy", "Vacancy_date", "Agency", "Agency_date", "MoU", "PracLead", "S17change"])
        for i, unit in enumerate(responding):
            dated = [rng.choice(OTHER_DATES) if rng.random() < OTHER_DATE_SHARE else "" for _ in range(2)]
            writer.writerow([unit, vacancy[i], dated[0], agency[i], dated[1], mou[i], leaders[i], s17[i]])
    print(f"wrote {OUT.name}: {RESPONDENTS} directors")


if __name__ == "__main__":
    main()
