"""What a proposed code's confidence means: the chance, learnt from held-out coding, that the code is right.

Pure Python (no Django). A theme's score for an answer is its cosine to the theme's nearest evidence
(the frame's label, description and example phrases, and the answers already coded with it); its
lead is how far it stands above the best other theme. A logistic curve of right-or-wrong on those
two turns them into a probability. The curve comes from the researcher's own coding when at least
`MIN_CALIBRATION` answers are coded, each left out in turn; otherwise from a prior fitted by
`bench/coding_prior.py` on a calibration set of another question (never on the evaluation set).
The threshold is the lowest at which at least `TARGET_PRECISION` of the held-out proposals were right.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from omnibus.coding.embedding import SENTENCE_METHOD, TFIDF_METHOD

TARGET_PRECISION = 0.8  # the stated rate: at the default threshold, about 4 in 5 accepted proposals are right
MIN_CALIBRATION = 20  # coded answers needed before the researcher's own coding replaces the prior
THRESHOLDS = np.round(np.arange(0.05, 0.96, 0.05), 2)  # the thresholds a calibration chooses among


@dataclass(frozen=True)
class Calibration:
    """Score and lead to probability, the threshold that keeps proposals right at the stated rate, and how."""

    intercept: float
    score_weight: float
    lead_weight: float
    threshold: float
    basis: str  # how it was calibrated, in words, for the coding screen

    def confidence(self, scores: np.ndarray) -> np.ndarray:
        """The probability that each theme (column) is right for each answer (row)."""
        z = self.intercept + self.score_weight * scores + self.lead_weight * leads(scores)
        return 1.0 / (1.0 + np.exp(-z))

    def with_threshold(self, threshold: float | None) -> Calibration:
        """The same curve with the researcher's own threshold, when one is given."""
        if threshold is None:
            return self
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"the confidence threshold must be between 0 and 1, not {threshold}")
        return Calibration(self.intercept, self.score_weight, self.lead_weight, threshold, self.basis)


# Fitted by bench/coding_prior.py on bench/data/coding_prior.csv (100 answers to another question, 8 themes),
# with the frame alone and with one coded example per theme; rerun it and paste its output to refit.
PRIORS = {
    SENTENCE_METHOD: (-2.6530, 6.3326, 8.1210, 0.45),
    TFIDF_METHOD: (-2.1115, 23.9710, 6.9046, 0.35),
}
PRIOR_BASIS = (
    "from a prior fitted on a calibration set of another question (too few answers are coded here to learn from)"
)


def prior(method: str) -> Calibration:
    """The prior calibration of an embedding method (TF-IDF's for a method without its own)."""
    intercept, score_weight, lead_weight, threshold = PRIORS.get(method, PRIORS[TFIDF_METHOD])
    return Calibration(intercept, score_weight, lead_weight, threshold, PRIOR_BASIS)


def leads(scores: np.ndarray) -> np.ndarray:
    """Each theme's score less the best score of the other themes (positive only for the leading theme)."""
    if scores.shape[1] < 2:
        return np.zeros_like(scores)
    order = np.sort(scores, axis=1)
    best, second = order[:, -1:], order[:, -2:-1]
    return np.where(scores >= best, scores - second, scores - best)


def fit(scores: np.ndarray, truth: np.ndarray, basis: str) -> Calibration | None:
    """The curve and threshold learnt from held-out scores and the true codes; None when they cannot teach one.

    Needs right and wrong examples both. The threshold is the lowest of `THRESHOLDS` at which at least
    `TARGET_PRECISION` of the proposals it lets through were right (the highest when none does).
    """
    right = truth.ravel().astype(bool)
    if right.all() or not right.any():
        return None
    from sklearn.linear_model import LogisticRegression

    features = np.column_stack([scores.ravel(), leads(scores).ravel()])
    model = LogisticRegression(C=100.0).fit(features, right)
    probability = model.predict_proba(features)[:, 1]
    threshold = float(THRESHOLDS[-1])
    for candidate in THRESHOLDS:
        chosen = probability >= candidate
        if chosen.any() and right[chosen].mean() >= TARGET_PRECISION:
            threshold = float(candidate)
            break
    (score_weight, lead_weight), intercept = model.coef_[0], model.intercept_[0]
    return Calibration(float(intercept), float(score_weight), float(lead_weight), threshold, basis)
