"""Suggestions for coding open responses: candidate themes for uncoded answers, and codes proposed from the frame.

Pure Python (no Django). A theme's evidence is the code frame's words for it (label, description,
example phrases) and the answers already coded with it, so a wave opened with last wave's frame gets
proposals from its first answer. The vectors come from `omnibus.coding.embedding` (sentence embeddings, or TF-IDF
without the embeddings extra); nothing here reaches the network except `name_themes`, and only when a
language-model endpoint is configured. Every suggestion is for the researcher to accept or reject.
"""

from __future__ import annotations

import json
import math
import re
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from omnibus.coding.confidence import MIN_CALIBRATION, Calibration, fit, prior
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
# Words of any survey's answers that say nothing of a theme ("we need to continue to improve").
# The words of this survey's own population (its unit noun, the units' names, attribute values) and
# of its title are added per wave (`SurveyWords`): they would make every theme "Authority / council".
GENERIC_STOP_WORDS = frozenset(
    (
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
CHUNK = 2048  # uncoded responses compared with the evidence at a time, to bound memory
CALIBRATION_SAMPLE = 2048  # coded responses held out in turn to calibrate on (a sample beyond this)


@dataclass(frozen=True)
class ThemeText:
    """What the code frame says of a theme: the evidence for it before any answer is coded with it."""

    code: int
    label: str
    description: str = ""
    examples: tuple[str, ...] = ()  # phrases an answer with this theme might use

    def texts(self) -> list[str]:
        """The texts that stand for the theme: its label, its label with its description, each example."""
        texts = [self.label]
        if self.description.strip():
            texts.append(f"{self.label}: {self.description.strip()}")
        return texts + [e.strip() for e in self.examples if e.strip()]


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
    threshold: float = 0.5  # the confidence from which codes were proposed
    calibration: str = ""  # how the confidence was calibrated, in words


@dataclass(frozen=True)
class SurveyWords:
    """Who answered an open question and the words every answer in the survey uses, for theme suggestion."""

    respondents: str = "organisations"  # the population's plural unit noun ("parent carer forums")
    title: str = ""  # the survey's title, for the language model's prompt
    stop_words: frozenset[str] = frozenset()

    @classmethod
    def of(cls, respondents: str, title: str, texts: Sequence[str]) -> SurveyWords:
        """The words of `texts` (unit names, attribute values, the unit noun, the title) as stop words."""
        words = {w for text in (respondents, title, *texts) for clause in _clauses(text) for w in _words(clause)}
        return cls(respondents, title, frozenset(words))


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
    themes: Sequence[ThemeText] = (),
    survey: SurveyWords | None = None,
) -> Suggestions:
    """Group the uncoded responses into candidate themes and propose codes for them from the frame and coded ones."""
    non_answers = [rid for rid, text in uncoded.items() if is_non_answer(text)]
    answers = {rid: text for rid, text in uncoded.items() if not is_non_answer(text)}
    proposals, calibration, vectors = _proposals(coded, answers, embed, threshold, themes)
    groups = _group(list(answers), list(answers.values()), vectors, max_themes, survey or SurveyWords())
    return Suggestions(embed.method, groups, proposals, non_answers, calibration.threshold, calibration.basis)


def group_responses(
    texts: dict[str, str], embed: Embedder, max_themes: int | None = None, survey: SurveyWords | None = None
) -> list[AnswerGroup]:
    """Cluster responses (id -> text) into candidate themes, largest first; non-answers are left out.

    Key terms leave out the survey's own words (`SurveyWords`): its units' names, attribute values and noun.
    """
    answers = {rid: text for rid, text in texts.items() if not is_non_answer(text)}
    vectors = embed.encode(list(answers.values()))
    return _group(list(answers), list(answers.values()), vectors, max_themes, survey or SurveyWords())


def propose_codes(
    coded: dict[str, tuple[str, set[int]]],
    uncoded: dict[str, str],
    embed: Embedder,
    threshold: float | None = None,
    themes: Sequence[ThemeText] = (),
) -> list[Proposal]:
    """Propose codes for uncoded responses (id -> text), most confident first.

    The evidence for a theme is the code frame's words for it (`themes`: label, description, example
    phrases) and the coded responses (id -> (text, codes)) that carry it, so there are proposals
    before anything is coded. A response gets every code whose confidence reaches the threshold
    (several where several fit; none for non-answers). The confidence is a calibrated probability
    (see `omnibus.coding.confidence`), and the threshold, unless given, is the one at which proposals
    were right at the stated rate.
    """
    return calibrated_proposals(coded, uncoded, embed, threshold, themes)[0]


def calibrated_proposals(
    coded: dict[str, tuple[str, set[int]]],
    uncoded: dict[str, str],
    embed: Embedder,
    threshold: float | None = None,
    themes: Sequence[ThemeText] = (),
) -> tuple[list[Proposal], Calibration]:
    """`propose_codes`, with the calibration used: its threshold and how it was learnt, for the screen to show."""
    answers = {rid: text for rid, text in uncoded.items() if not is_non_answer(text)}
    proposals, calibration, _ = _proposals(coded, answers, embed, threshold, themes)
    return proposals, calibration


def theme_scores(
    coded: dict[str, tuple[str, set[int]]], uncoded: dict[str, str], embed: Embedder, themes: Sequence[ThemeText] = ()
) -> tuple[list[int], np.ndarray]:
    """The codes, and each uncoded response's score for each (rows in `uncoded`'s order): what calibration reads."""
    evidence, vectors = _encoded(coded, list(uncoded.values()), embed, themes)
    return evidence.codes, evidence.scores(vectors)


def _proposals(
    coded: dict[str, tuple[str, set[int]]],
    answers: dict[str, str],
    embed: Embedder,
    threshold: float | None,
    themes: Sequence[ThemeText],
) -> tuple[list[Proposal], Calibration, np.ndarray]:
    """Proposals for the answers, the calibration used, and the answers' vectors (for grouping them)."""
    evidence, vectors = _encoded(coded, list(answers.values()), embed, themes)
    calibration = _calibrate(evidence, embed.method).with_threshold(threshold)
    return _propose(evidence, list(answers), vectors, calibration), calibration, vectors


def _encoded(
    coded: dict[str, tuple[str, set[int]]], texts: list[str], embed: Embedder, themes: Sequence[ThemeText]
) -> tuple[_Evidence, np.ndarray]:
    """The evidence and the answers' vectors, encoded in one call (TF-IDF learns one vocabulary from them all)."""
    coded = {rid: value for rid, value in coded.items() if not is_non_answer(value[0]) and value[1]}
    frame_texts = [text for t in themes for text in t.texts()]
    vectors = embed.encode(frame_texts + [text for text, _ in coded.values()] + texts)
    evidence_rows = len(frame_texts) + len(coded)
    codes = sorted({t.code for t in themes}.union(*(c for _, c in coded.values())))
    owners = [{t.code} for t in themes for _ in t.texts()] + [c for _, c in coded.values()]
    carries = np.zeros((len(owners), len(codes)), dtype=bool)
    for row, owner in enumerate(owners):
        carries[row] = [code in owner for code in codes]
    evidence = _Evidence(codes, vectors[:evidence_rows], carries, len(frame_texts))
    return evidence, vectors[evidence_rows:]


def name_themes(
    themes: list[AnswerGroup], endpoint: LlmEndpoint | None, survey: SurveyWords | None = None
) -> list[AnswerGroup]:
    """Ask a language model to name each theme; any failure keeps the key-term labels (nothing depends on it)."""
    if endpoint is None:
        return list(themes)
    named = []
    for position, theme in enumerate(themes):
        label = _ask_for_label(theme, endpoint, survey or SurveyWords())
        if label is None:  # the endpoint is down or confused: don't make the researcher wait for every theme
            return named + list(themes[position:])
        named.append(replace(theme, label=label, label_source="language model"))
    return named


def _propose(evidence: _Evidence, ids: list[str], vectors: np.ndarray, calibration: Calibration) -> list[Proposal]:
    """Every code whose calibrated confidence reaches the threshold, for each answer; most confident first."""
    if not evidence.codes or not ids:
        return []
    proposals = []
    for start in range(0, len(ids), CHUNK):
        confidence = calibration.confidence(evidence.scores(vectors[start : start + CHUNK]))
        rows, columns = np.nonzero(confidence >= calibration.threshold)
        proposals += [
            Proposal(ids[start + r], evidence.codes[c], round(float(confidence[r, c]), 4))
            for r, c in zip(rows, columns, strict=True)
        ]
    proposals.sort(key=lambda p: (-p.confidence, p.response, p.code))
    return proposals


@dataclass
class _Evidence:
    """What each theme is known by: its frame texts and its coded answers, one row each, with the codes they carry."""

    codes: list[int]
    vectors: np.ndarray
    carries: np.ndarray  # rows x codes, True where the row is evidence for the code
    coded_from: int  # rows from here on are coded answers (before it, the frame's texts)

    def scores(self, vectors: np.ndarray, left_out: np.ndarray | None = None) -> np.ndarray:
        """Each answer's cosine to each code's nearest evidence (-1 where a code has none).

        `left_out[i]` is the evidence row that answer i must not see (itself, when calibrating).
        """
        similarity = vectors @ self.vectors.T
        if left_out is not None:
            similarity[np.arange(len(vectors)), left_out] = -np.inf
        scores = np.full((len(vectors), len(self.codes)), -1.0, dtype=np.float32)
        for column in range(len(self.codes)):
            rows = self.carries[:, column]
            if rows.any():
                scores[:, column] = np.maximum(similarity[:, rows].max(axis=1), -1.0)
        return scores


def _calibrate(evidence: _Evidence, method: str) -> Calibration:
    """Learn the curve from the coded answers, each proposed from the rest, when there are enough; else the prior."""
    coded = len(evidence.vectors) - evidence.coded_from
    if coded < MIN_CALIBRATION:
        return prior(method)
    sample = np.random.default_rng(0).permutation(coded)[:CALIBRATION_SAMPLE] + evidence.coded_from
    scores = evidence.scores(evidence.vectors[sample], left_out=sample)
    basis = f"learnt from the {coded} answers coded here, each proposed from the others"
    return fit(scores, evidence.carries[sample], basis) or prior(method)


def _group(
    ids: list[str], texts: list[str], vectors: np.ndarray, max_themes: int | None, survey: SurveyWords
) -> list[AnswerGroup]:
    if max_themes is not None and max_themes < 1:
        raise ValueError(f"max_themes must be at least 1, not {max_themes}")
    if not ids:
        return []
    labels = _cluster(vectors, max_themes)
    terms = _key_terms(texts, labels, survey.stop_words)
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


def _key_terms(texts: list[str], labels: np.ndarray, stop_words: frozenset[str], count: int = 5) -> list[list[str]]:
    """Class-based TF-IDF: words and word pairs common in a theme's responses and rare in the others."""
    from scipy import sparse
    from sklearn.feature_extraction.text import CountVectorizer

    themes = labels.max() + 1
    # binary: a term counts once per response, so one wordy answer cannot name a theme
    vectoriser = CountVectorizer(analyzer=lambda text: _terms(text, stop_words), binary=True)
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


def _terms(text: str, stop_words: frozenset[str] = frozenset()) -> list[str]:
    """The words of an answer that could name a theme, and pairs of them that stand side by side.

    Pairs are of neighbouring words only ("early help", "foster carers"), never words brought together
    by dropping the stop words between them ("approach with the CCG" gives no "approach ccg").
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    terms, pairs = [], []
    for clause in _clauses(text):  # a pair never spans punctuation
        words = _words(clause)
        useful = [w not in ENGLISH_STOP_WORDS and w not in GENERIC_STOP_WORDS and w not in stop_words for w in words]
        terms += [w for w, keep in zip(words, useful, strict=True) if keep]
        pairs += [f"{a} {b}" for a, b, x, y in zip(words, words[1:], useful, useful[1:], strict=False) if x and y]
    return terms + pairs


def _clauses(text: str) -> list[str]:
    """An answer in lower case, split at punctuation, without possessive 's."""
    return re.split(r"[^\w\s'-]+|\s-+\s", text.lower().replace("'s", ""))


def _words(clause: str) -> list[str]:
    return [w for w in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", clause) if len(w) > 1]


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


def _ask_for_label(theme: AnswerGroup, endpoint: LlmEndpoint, survey: SurveyWords) -> str | None:
    """One chat completion naming the theme, or None on any failure."""
    about = f" of the survey ‘{survey.title}’" if survey.title else ""
    prompt = (
        f"These are answers from {survey.respondents} to an open question{about}. "
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
