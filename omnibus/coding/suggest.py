"""Suggestions for coding open responses: candidate themes for uncoded answers, and codes proposed from coded ones.

Pure Python (no Django). The vectors come from `omnibus.coding.embedding` (sentence embeddings, or TF-IDF
without the embeddings extra); nothing here reaches the network except `name_themes`, and only when a
language-model endpoint is configured. Every suggestion is for the researcher to accept or reject.
"""

from __future__ import annotations

import json
import math
import re
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from omnibus.coding.embedding import Embedder

# Answers that say nothing: they are neither grouped nor given codes, only flagged.
NON_ANSWERS = frozenset(
    (
        "n/a",
        "na",
        "n.a",
        "none",
        "nothing",
        "nil",
        "no",
        "x",
        "?",
        "no comment",
        "no comments",
        "not applicable",
        "not known",
        "unknown",
        "dk",
        "don't know",
        "dont know",
        "do not know",
        "not sure",
        "unsure",
        "see above",
        "as above",
        "same as above",
        "tbc",
        "none at present",
        "nothing to add",
    )
)
# Words that every answer to these questions uses: they would make every theme "Children / services".
SURVEY_STOP_WORDS = frozenset(
    (
        "la",
        "childrens",
        "las",
        "authority",
        "authorities",
        "council",
        "local",
        "children",
        "child",
        "young",
        "people",
        "services",
        "service",
        "need",
        "needs",
        "ensure",
        "continue",
        "continuing",
        "continued",
        "improve",
        "improving",
        "improved",
        "improvement",
        "including",
        "better",
        "good",
        "use",
        "using",
        "make",
        "making",
        "new",
        "currently",
        "current",
        "also",
        "etc",
        "eg",
        "ie",
    )
)
DEFAULT_MAX_THEMES = 12
NEIGHBOURS = 10  # coded responses that vote on each uncoded one
DEFAULT_THRESHOLD = 0.5  # used when too few responses are coded to choose one
MIN_CALIBRATION = 20
CHUNK = 2048  # uncoded responses compared with the coded ones at a time, to bound memory


@dataclass
class AnswerGroup:
    """A group of similar uncoded responses, for the researcher to name, merge or discard."""

    label: str  # proposed from key terms, e.g. "Recruitment / social workers"
    key_terms: list[str]
    members: list[str]  # response ids
    examples: list[str]  # up to 3 response texts nearest the centre
    label_source: str = "key terms"  # or "language model" when `name_themes` renamed it


@dataclass
class Proposal:
    """A code proposed for one uncoded response; confidence is 0..1 and sortable."""

    response: str  # response id
    code: int  # theme code
    confidence: float


@dataclass
class Suggestions:
    """Everything the coding screen shows for one question: themes, proposals, and how they were made."""

    method: str
    themes: list[AnswerGroup]
    proposals: list[Proposal]
    non_answers: list[str] = field(default_factory=list)  # response ids of "n/a", "none", "-" and the like
    threshold: float = DEFAULT_THRESHOLD  # the confidence above which codes were proposed


@dataclass
class LlmEndpoint:
    """An OpenAI-compatible chat endpoint used only to name themes; off unless configured."""

    url: str  # e.g. https://api.example.com/v1 (the request goes to {url}/chat/completions)
    key: str
    model: str = "gpt-4o-mini"
    timeout: float = 20.0

    def __post_init__(self) -> None:
        if not re.match(r"^https?://", self.url):
            raise ValueError(f"the language-model URL must start with http:// or https://, not {self.url!r}")

    @classmethod
    def from_settings(cls, settings: Mapping[str, object] | None) -> LlmEndpoint | None:
        """The endpoint from a settings mapping (url, key, model, timeout), or None when no URL is set."""
        if not settings or not settings.get("url"):
            return None
        endpoint = cls(url=str(settings["url"]), key=str(settings.get("key") or ""))
        if settings.get("model"):
            endpoint.model = str(settings["model"])
        if settings.get("timeout"):
            endpoint.timeout = float(settings["timeout"])  # type: ignore[arg-type]
        return endpoint


def is_non_answer(text: str) -> bool:
    """True for answers that say nothing: empty, "n/a", "none", "-", "don't know" and the like."""
    cleaned = re.sub(r"\s+", " ", text.strip().lower()).strip(" .!")
    letters = re.sub(r"[^a-z]", "", cleaned)
    return len(letters) < 2 or cleaned in NON_ANSWERS or cleaned.replace("'", "") in NON_ANSWERS


def suggest(
    coded: dict[str, tuple[str, set[int]]],
    uncoded: dict[str, str],
    embed: Embedder,
    max_themes: int | None = None,
    threshold: float | None = None,
) -> Suggestions:
    """Group the uncoded responses into candidate themes and propose codes for them from the coded ones."""
    non_answers = [rid for rid, text in uncoded.items() if is_non_answer(text)]
    coded = {rid: value for rid, value in coded.items() if not is_non_answer(value[0])}
    answers = {rid: text for rid, text in uncoded.items() if not is_non_answer(text)}
    vectors = embed.encode([text for text, _ in coded.values()] + list(answers.values()))
    coded_vectors, answer_vectors = vectors[: len(coded)], vectors[len(coded) :]
    themes = _group(list(answers), list(answers.values()), answer_vectors, max_themes)
    proposals, used = _propose(coded, coded_vectors, list(answers), answer_vectors, threshold)
    return Suggestions(embed.method, themes, proposals, non_answers, used)


def group_responses(texts: dict[str, str], embed: Embedder, max_themes: int | None = None) -> list[AnswerGroup]:
    """Cluster responses (id -> text) into candidate themes, largest first; non-answers are left out."""
    answers = {rid: text for rid, text in texts.items() if not is_non_answer(text)}
    return _group(list(answers), list(answers.values()), embed.encode(list(answers.values())), max_themes)


def propose_codes(
    coded: dict[str, tuple[str, set[int]]],
    uncoded: dict[str, str],
    embed: Embedder,
    threshold: float | None = None,
) -> list[Proposal]:
    """Propose codes for uncoded responses (id -> text) from coded ones (id -> (text, codes)), most confident first.

    A response gets every code whose confidence reaches the threshold (several codes where several fit;
    none for non-answers). The evidence is the similarity-weighted share of the nearest coded responses
    that carry the code; with 20 or more coded responses it is calibrated by proposing each coded
    response's codes from the others, so that a confidence of 0.8 means about 80% of such proposals
    were right, and the threshold (when not given) is the one that best reproduced the coded codes.
    """
    coded = {rid: value for rid, value in coded.items() if not is_non_answer(value[0])}
    answers = {rid: text for rid, text in uncoded.items() if not is_non_answer(text)}
    vectors = embed.encode([text for text, _ in coded.values()] + list(answers.values()))
    proposals, _ = _propose(coded, vectors[: len(coded)], list(answers), vectors[len(coded) :], threshold)
    return proposals


def name_themes(themes: list[AnswerGroup], endpoint: LlmEndpoint | None) -> list[AnswerGroup]:
    """Ask a language model to name each theme; any failure keeps the key-term labels (nothing depends on it)."""
    if endpoint is None:
        return list(themes)
    named = []
    for position, theme in enumerate(themes):
        label = _ask_for_label(theme, endpoint)
        if label is None:  # the endpoint is down or confused: don't make the researcher wait for every theme
            return named + list(themes[position:])
        named.append(replace(theme, label=label, label_source="language model"))
    return named


def _propose(
    coded: dict[str, tuple[str, set[int]]],
    coded_vectors: np.ndarray,
    ids: list[str],
    vectors: np.ndarray,
    threshold: float | None,
) -> tuple[list[Proposal], float]:
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise ValueError(f"the confidence threshold must be between 0 and 1, not {threshold}")
    codes = sorted(set().union(*(c for _, c in coded.values()))) if coded else []
    if not codes or not ids:
        return [], DEFAULT_THRESHOLD if threshold is None else threshold
    carries = np.array([[code in c for code in codes] for _, c in coded.values()], dtype=np.float32)
    calibration = _calibrate(coded_vectors, carries, threshold)
    proposals = []
    for start in range(0, len(ids), CHUNK):
        confidence = calibration.apply(_share(vectors[start : start + CHUNK] @ coded_vectors.T, carries))
        rows, columns = np.nonzero(confidence >= calibration.threshold)
        proposals += [
            Proposal(ids[start + r], codes[c], round(float(confidence[r, c]), 4))
            for r, c in zip(rows, columns, strict=True)
        ]
    proposals.sort(key=lambda p: (-p.confidence, p.response, p.code))
    return proposals, calibration.threshold


def _share(similarity: np.ndarray, carries: np.ndarray) -> np.ndarray:
    """For each response and code, the similarity-weighted share of its nearest coded responses carrying the code."""
    k = min(NEIGHBOURS, similarity.shape[1])
    nearest = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
    weights = np.clip(np.take_along_axis(similarity, nearest, axis=1), 0, None)
    votes = np.einsum("rk,rkc->rc", weights, carries[nearest])
    total = weights.sum(axis=1, keepdims=True)
    return np.divide(votes, total, out=np.zeros_like(votes), where=total > 0)


@dataclass
class _Calibration:
    """Turns a neighbour share into how often such a proposal was right on the coded responses themselves."""

    curve: object | None  # a fitted IsotonicRegression, or None: too few coded responses, keep the share
    threshold: float

    def apply(self, share: np.ndarray) -> np.ndarray:
        if self.curve is None:
            return share
        return self.curve.predict(share.ravel()).reshape(share.shape)


def _calibrate(coded_vectors: np.ndarray, carries: np.ndarray, threshold: float | None) -> _Calibration:
    """Leave each coded response out in turn, propose its codes from the others, and see which proposals were right.

    The isotonic fit of right-or-wrong on the share makes the confidence a rate: of proposals at 0.8,
    about 80% carried the code. Without a threshold given, the one with the best F1 over all codes is used.
    """
    if len(carries) < MIN_CALIBRATION:
        return _Calibration(None, DEFAULT_THRESHOLD if threshold is None else threshold)
    from sklearn.isotonic import IsotonicRegression

    sample = np.random.default_rng(0).permutation(len(carries))[:CHUNK]
    similarity = coded_vectors[sample] @ coded_vectors.T
    similarity[np.arange(len(sample)), sample] = -np.inf  # a response never votes for itself
    share, truth = _share(similarity, carries), carries[sample] > 0
    curve = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(share.ravel(), truth.ravel())
    if threshold is None:
        threshold = _best_threshold(curve.predict(share.ravel()).reshape(share.shape), truth)
    return _Calibration(curve, threshold)


def _best_threshold(confidence: np.ndarray, truth: np.ndarray) -> float:
    """The threshold (0.2 to 0.8) whose accepted proposals best match the true codes (F1 over all codes)."""
    best, best_f1 = DEFAULT_THRESHOLD, -1.0
    for threshold in np.arange(0.2, 0.81, 0.05):
        chosen = confidence >= threshold - 1e-9
        f1 = 2 * np.logical_and(chosen, truth).sum() / max(chosen.sum() + truth.sum(), 1)
        if f1 > best_f1 + 1e-9:
            best, best_f1 = round(float(threshold), 2), f1
    return best


def _group(ids: list[str], texts: list[str], vectors: np.ndarray, max_themes: int | None) -> list[AnswerGroup]:
    if max_themes is not None and max_themes < 1:
        raise ValueError(f"max_themes must be at least 1, not {max_themes}")
    if not ids:
        return []
    labels = _cluster(vectors, max_themes)
    terms = _key_terms(texts, labels)
    themes = []
    for cluster in range(labels.max() + 1):
        members = np.flatnonzero(labels == cluster)
        if len(members) == 0:
            continue
        centre = vectors[members].mean(axis=0)
        nearest = members[np.argsort(-(vectors[members] @ centre), kind="stable")[:3]]
        key_terms = terms[cluster]
        label = " / ".join(key_terms[:2]).capitalize() if key_terms else "Miscellaneous"
        themes.append(AnswerGroup(label, key_terms, [ids[m] for m in members], [texts[m] for m in nearest]))
    themes.sort(key=lambda t: -len(t.members))
    return themes


def _cluster(vectors: np.ndarray, max_themes: int | None) -> np.ndarray:
    """K-means on the unit vectors (so, by cosine) with about sqrt(n/2) themes, at most `max_themes`.

    The number of themes follows the rule of thumb rather than the silhouette: on short answers the
    silhouette is nearly flat (0.10 to 0.14 for 2 to 13 themes on the evaluation set) and its maximum
    falls on two to four themes too broad to code with.
    """
    from sklearn.cluster import KMeans, MiniBatchKMeans

    n = len(vectors)
    k = min(max_themes or DEFAULT_MAX_THEMES, round(math.sqrt(n / 2)))
    if k < 2 or np.allclose(vectors, vectors[0]):
        return np.zeros(n, dtype=int)
    # Full k-means is exact and quick for a wave's answers; mini-batches keep 20,000 answers fast.
    model = KMeans(k, n_init=4, random_state=0) if n <= 5000 else MiniBatchKMeans(k, n_init=3, random_state=0)
    labels = model.fit_predict(vectors)
    return np.unique(labels, return_inverse=True)[1].ravel()  # numbered 0.. with no empty clusters


def _key_terms(texts: list[str], labels: np.ndarray, count: int = 5) -> list[list[str]]:
    """Class-based TF-IDF: words and word pairs common in a theme's responses and rare in the others."""
    from scipy import sparse
    from sklearn.feature_extraction.text import CountVectorizer

    themes = labels.max() + 1
    # binary: a term counts once per response, so one wordy answer cannot name a theme
    vectoriser = CountVectorizer(analyzer=_terms, binary=True)
    try:
        present = vectoriser.fit_transform(texts)
    except ValueError:  # nothing but stop words
        return [[] for _ in range(themes)]
    membership = sparse.csr_matrix((np.ones(len(labels)), (labels, np.arange(len(labels)))), shape=(themes, len(texts)))
    counts = np.asarray((membership @ present).todense())  # responses in each theme using each term
    sizes = np.bincount(labels, minlength=themes)[:, None]
    everywhere = counts.sum(axis=0)
    scores = counts / np.maximum(sizes, 1) * np.log1p(counts.sum() / themes / np.maximum(everywhere, 1))
    scores[(counts < 2) & (sizes >= 4)] = 0  # a term used once is a quirk of one answer, not a theme
    vocabulary = vectoriser.get_feature_names_out()
    return [
        _distinct_terms([vocabulary[i] for i in np.argsort(-row, kind="stable") if row[i] > 0], count) for row in scores
    ]


def _terms(text: str) -> list[str]:
    """The words of an answer that could name a theme, and pairs of them that stand side by side.

    Pairs are of neighbouring words only ("early help", "foster carers"), never words brought together
    by dropping the stop words between them ("approach with the CCG" gives no "approach ccg").
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    terms, pairs = [], []
    for clause in re.split(r"[^\w\s'-]+|\s-+\s", text.lower().replace("'s", "")):  # a pair never spans punctuation
        words = [w for w in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", clause) if len(w) > 1]
        useful = [w not in ENGLISH_STOP_WORDS and w not in SURVEY_STOP_WORDS for w in words]
        terms += [w for w, keep in zip(words, useful, strict=True) if keep]
        pairs += [f"{a} {b}" for a, b, x, y in zip(words, words[1:], useful, useful[1:], strict=False) if x and y]
    return terms + pairs


def _distinct_terms(ranked: list[str], count: int) -> list[str]:
    """Top terms without repeats: "early help" replaces "early" and "help" rather than sitting beside them."""
    chosen: list[str] = []
    for term in ranked:
        words = set(term.split())
        overlapping = [c for c in chosen if words & set(c.split())]
        if not overlapping:
            chosen.append(term)
        elif all(set(c.split()) < words for c in overlapping):
            chosen[chosen.index(overlapping[0])] = term
            chosen = [c for c in chosen if c not in overlapping[1:]]
        if len(chosen) == count:
            break
    return chosen


def _ask_for_label(theme: AnswerGroup, endpoint: LlmEndpoint) -> str | None:
    """One chat completion naming the theme, or None on any failure."""
    prompt = (
        "These are answers from local authority children's services leaders to an open survey question. "
        "Name the theme they share in at most six words. Reply with the name only.\n"
        f"Key terms: {', '.join(theme.key_terms)}\nAnswers:\n" + "\n".join(f"- {e}" for e in theme.examples)
    )
    body = json.dumps(
        {"model": endpoint.model, "messages": [{"role": "user", "content": prompt}], "temperature": 0}
    ).encode()
    request = urllib.request.Request(
        endpoint.url.rstrip("/") + "/chat/completions",
        data=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {endpoint.key}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=endpoint.timeout) as response:
            reply = json.loads(response.read().decode("utf-8"))
        content = reply["choices"][0]["message"]["content"]
    except (OSError, ValueError, KeyError, IndexError, TypeError):  # URLError and timeouts are OSErrors
        return None
    if not isinstance(content, str):
        return None
    label = content.strip().splitlines()[0].strip(" \"'`*.") if content.strip() else ""
    return label[:80] or None
