"""Fit the prior calibration of coding suggestions on the calibration set, and print it for `confidence.PRIORS`.

    .venv/bin/python bench/coding_prior.py [--splits 5] [--methods tfidf embeddings]

The calibration set (bench/data/coding_prior.csv, coded against bench/data/coding_prior_frame.yaml) is
another question with other themes than the evaluation set, so the prior that makes confidences
probabilities, and the default threshold it implies, are never fitted on the answers `coding_eval.py`
judges them by. The prior serves a frame with fewer than 20 coded answers, so it is fitted on the
settings such a frame is in: the frame's labels and descriptions alone, and with one coded example
per theme (once per split). Prints the fitted numbers, and how right proposals were at each threshold.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import yaml  # noqa: E402
from coding_eval import DATA, frame_themes, load_gold, settings  # noqa: E402

from omnibus.coding.confidence import THRESHOLDS, fit  # noqa: E402
from omnibus.coding.embedding import EmbeddingsUnavailable, embedder  # noqa: E402
from omnibus.coding.suggest import theme_scores  # noqa: E402


def prior_scores(answers, themes, embed, splits: int) -> tuple[np.ndarray, np.ndarray]:
    """Scores and truth of every theme for every substantive uncoded answer, zero-shot and few-shot, stacked."""
    scores, truth = [], []
    for name, coded, rest in settings(answers, themes, splits):
        if name == "30% coded":
            continue
        rest = [row for row in rest if row[2]]
        codes, found = theme_scores(coded, {rid: text for rid, text, _ in rest}, embed, themes)
        scores.append(found)
        truth.append(np.array([[code in gold for code in codes] for _, _, gold in rest]))
    return np.vstack(scores), np.vstack(truth)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--splits", type=int, default=5)
    parser.add_argument("--methods", nargs="*", default=["tfidf", "embeddings"])
    args = parser.parse_args()
    answers = load_gold(DATA / "coding_prior.csv")
    themes = frame_themes(yaml.safe_load((DATA / "coding_prior_frame.yaml").read_text(encoding="utf-8")))
    print(f"calibration set: {len(answers)} answers, {len(themes)} themes")
    for prefer in args.methods:
        try:
            embed = embedder(prefer)
        except EmbeddingsUnavailable as error:
            print(f"\n{prefer}: skipped ({error})")
            continue
        scores, truth = prior_scores(answers, themes, embed, args.splits)
        calibration = fit(scores, truth, "prior")
        assert calibration is not None  # the set has right and wrong themes both
        confidence = calibration.confidence(scores)
        print(f"\n{embed.method}: {truth.sum()} right of {truth.size} answer-theme pairs")
        print("threshold  proposals  right")
        for threshold in THRESHOLDS[::2]:
            chosen = confidence >= threshold
            print(f"{threshold:9.2f}  {chosen.sum():9d}  {truth[chosen].mean() if chosen.any() else 0:5.0%}")
        numbers = (calibration.intercept, calibration.score_weight, calibration.lead_weight)
        print(f"    {embed.method!r}: ({', '.join(f'{n:.4f}' for n in numbers)}, {calibration.threshold:.2f}),")


if __name__ == "__main__":
    main()
