"""How well coding suggestions agree with a researcher's coding, and how long they take. Prints figures only.

    .venv/bin/python bench/coding_eval.py [--splits 5] [--sizes 200 20000] [--methods tfidf embeddings]

Settings: zero-shot (the code frame's labels and descriptions only, nothing coded), few-shot (one coded
example per theme besides the frame) and 30% coded. For each: top-1 accuracy (the most confident theme
is one of the answer's gold codes), Cohen's kappa of that top-1 coding (per theme, averaged), and at
the default threshold the share of substantive answers given a proposal, how many of those proposals
were right, and the kappa of accepting them all as they are. The threshold is never chosen here: it
is the engine's own (a prior fitted on bench/data/coding_prior.csv, another question, or the
researcher's coded answers held out one at a time).

Agreement: the gold set (bench/data/coding_gold.csv, coded against bench/data/coding_frame.yaml) is split
at random, 30% coded as the researcher would and 70% left for suggestions; every proposed code is accepted
as is, and the result is compared with the gold coding: Cohen's kappa per theme (present or not, over the
70%), precision, recall and F1 per theme, and how often the confidence was right, over several splits.
The candidate themes of one split are printed with their purity (the share of members whose gold codes
include the theme's most common code).

Speed: `suggest` (encode, group, propose, with the frame's themes) on 200 and on 20,000 answers made by
resampling and perturbing the gold texts (typos, dropped words, abbreviations), 30% of them coded; with
the process's peak memory.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import resource
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import yaml  # noqa: E402
from sklearn.metrics import cohen_kappa_score  # noqa: E402

from omnibus.coding.embedding import EmbeddingsUnavailable, embedder  # noqa: E402
from omnibus.coding.suggest import ThemeText, propose_codes, suggest  # noqa: E402

DATA = ROOT / "bench" / "data"
CODED_SHARE = 0.3
BINS = [(0.0, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 1.01)]
ABBREVIATIONS = {
    "social workers": "SWs",
    "social worker": "SW",
    "looked after children": "LAC",
    "children in care": "CiC",
    "early help": "EH",
    "recruitment": "recruitmnet",
    "and": "&",
    "multi-agency": "multi agency",
    "practice": "pracitce",
}
OPENINGS = ["", "", "", "Priority: ", "For us - ", "Key priority is ", "Main focus: ", "We need "]
ENDINGS = ["", "", "", ".", " over the next 3 years", " as a priority", " (see our plan)"]


def load_gold(path: Path) -> list[tuple[str, str, set[int]]]:
    """The gold set: (response id, text, codes) per row."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            (row["response"], row["text"], {int(c) for c in row["codes"].split(";") if c})
            for row in csv.DictReader(handle)
        ]


def split(gold, seed: int):
    """Code a random 30% as the researcher would; leave the rest for suggestions."""
    rows = gold[:]
    random.Random(seed).shuffle(rows)
    cut = round(len(rows) * CODED_SHARE)
    coded = {rid: (text, codes) for rid, text, codes in rows[:cut]}
    return coded, rows[cut:]


def frame_themes(frame: dict) -> list[ThemeText]:
    """The evaluation frame's themes as the engine reads them: label and description."""
    return [ThemeText(int(code), t["label"], t.get("description", "")) for code, t in frame["themes"].items()]


def settings(gold, themes: list[ThemeText], splits: int):
    """(name, coded, rest) per run: zero-shot once, few-shot and 30% coded once per split."""
    yield "zero-shot", {}, gold
    for seed in range(1, splits + 1):
        rng = random.Random(seed)
        shots = {}
        for theme in themes:
            alone = [row for row in gold if row[2] == {theme.code} and row[0] not in shots]
            rid, text, codes = rng.choice(alone)
            shots[rid] = (text, codes)
        yield "few-shot", shots, [row for row in gold if row[0] not in shots]
    for seed in range(1, splits + 1):
        coded, rest = split(gold, seed)
        yield "30% coded", coded, rest


def setting_figures(gold, themes: list[ThemeText], embed, splits: int) -> dict[str, dict[str, float]]:
    """Top-1, its kappa, and at the default threshold coverage, precision and kappa, per setting (pooled)."""
    pooled: dict[str, dict[str, list]] = {}
    for name, coded, rest in settings(gold, themes, splits):
        answers = [(rid, codes) for rid, _, codes in rest if codes]
        uncoded = {rid: text for rid, text, _ in rest}
        ranked = propose_codes(coded, uncoded, embed, threshold=0.0, themes=themes)
        accepted = propose_codes(coded, uncoded, embed, themes=themes)
        best: dict[str, tuple[float, int]] = {}
        for p in ranked:
            if p.confidence > best.get(p.response, (-1.0, 0))[0]:
                best[p.response] = (p.confidence, p.code)
        given: dict[str, set[int]] = {}
        for p in accepted:
            given.setdefault(p.response, set()).add(p.code)
        into = pooled.setdefault(name, {"truth": [], "top": [], "given": [], "runs": []})
        into["truth"] += [codes for _, codes in answers]
        into["top"] += [{best[rid][1]} if rid in best else set() for rid, _ in answers]
        into["given"] += [given.get(rid, set()) for rid, _ in answers]
        into["runs"].append(1)
    codes = [t.code for t in themes]
    return {
        name: _figures(p["truth"], p["top"], p["given"], codes) | {"runs": len(p["runs"])} for name, p in pooled.items()
    }


def _figures(truth: list[set[int]], top: list[set[int]], given: list[set[int]], codes: list[int]) -> dict[str, float]:
    proposed = sum(len(g) for g in given)
    several = [(t, g) for t, g in zip(truth, given, strict=True) if len(t) > 1]
    return {
        "several": len(several),
        "several_given": sum(len(g & t) > 1 for t, g in several) / max(len(several), 1),
        "answers": len(truth),
        "top1": sum(bool(t & g) for t, g in zip(top, truth, strict=True)) / max(len(truth), 1),
        "kappa_top1": _mean_kappa(truth, top, codes),
        "coverage": sum(bool(g) for g in given) / max(len(truth), 1),
        "proposals": proposed,
        "right": sum(len(g & t) for g, t in zip(given, truth, strict=True)) / max(proposed, 1),
        "kappa": _mean_kappa(truth, given, codes),
    }


def _mean_kappa(truth: list[set[int]], chosen: list[set[int]], codes: list[int]) -> float:
    """Cohen's kappa per theme (present or not), averaged over the themes; 0 where nothing is chosen."""
    kappas = []
    for code in codes:
        g = [code in t for t in truth]
        s = [code in c for c in chosen]
        kappas.append(cohen_kappa_score(g, s) if len(set(s)) > 1 or len(set(g)) > 1 else 0.0)
    return float(np.nan_to_num(np.mean(kappas)))


def print_settings(method: str, figures: dict[str, dict[str, float]]) -> None:
    """The settings table: one line per setting."""
    print(f"\n== {method}: what the engine is given ==")
    head = f"{'setting':<10} {'runs':>4} {'answers':>7} {'top-1':>6} {'kappa':>6}"
    print(f"{head} {'proposed for':>12} {'right':>6} {'kappa':>6} {'2+ right':>9}")
    print(f"{'':<10} {'':>4} {'':>7} {'':>6} {'top-1':>6} {'(default threshold)':>19} {'accept':>6} {'of 2+':>9}")
    for name, f in figures.items():
        print(
            f"{name:<10} {f['runs']:>4} {f['answers']:>7} {f['top1']:6.2f} {f['kappa_top1']:6.2f}"
            f" {f['coverage']:12.0%} {f['right']:6.0%} {f['kappa']:6.2f} {f['several_given']:9.0%}"
        )
    print("2+ right of 2+: of the answers with two or more gold codes, the share given two or more right proposals")


def agreement(gold, themes: dict[int, str], embed, splits: int, themes_given: list[ThemeText]) -> dict:
    """Kappa and precision/recall/F1 per theme of accepted-as-is proposals, summed over splits."""
    kappas: dict[int, list[float]] = {code: [] for code in themes}
    counts = {code: Counter() for code in themes}
    calibration = [[0, 0] for _ in BINS]
    covered = substantive = exact = total = 0
    for seed in range(1, splits + 1):
        coded, rest = split(gold, seed)
        proposals = propose_codes(coded, {rid: text for rid, text, _ in rest}, embed, themes=themes_given)
        proposed: dict[str, set[int]] = {rid: set() for rid, _, _ in rest}
        truth = {rid: codes for rid, _, codes in rest}
        for p in proposals:
            proposed[p.response].add(p.code)
            right = p.code in truth[p.response]
            for i, (low, high) in enumerate(BINS):
                if low <= p.confidence < high:
                    calibration[i][0] += 1
                    calibration[i][1] += right
        for rid, _, codes in rest:
            substantive += bool(codes)
            covered += bool(codes) and bool(proposed[rid])
            exact += proposed[rid] == codes
            total += 1
        for code in themes:
            g = [code in truth[rid] for rid, _, _ in rest]
            s = [code in proposed[rid] for rid, _, _ in rest]
            if any(g) or any(s):
                kappas[code].append(cohen_kappa_score(g, s))
            hits = sum(a and b for a, b in zip(g, s, strict=True))
            counts[code].update(tp=hits, fp=sum(s) - hits, fn=sum(g) - hits)
    return {
        "kappas": kappas,
        "counts": counts,
        "calibration": calibration,
        "coverage": covered / max(substantive, 1),
        "exact": exact / max(total, 1),
    }


def print_agreement(method: str, themes: dict[int, str], result: dict, splits: int, test_n: int) -> None:
    print(f"\n== {method}: accepted-as-is proposals vs gold ({splits} splits, {test_n} answers suggested each) ==")
    print(f"{'theme':<42} {'kappa':>6} {'prec':>6} {'recall':>6} {'F1':>6}")
    f1s, kappa_means = [], []
    total = Counter()
    for code, label in themes.items():
        c = result["counts"][code]
        total.update(c)
        precision, recall, f1 = _prf(c)
        kappa = float(np.mean(result["kappas"][code])) if result["kappas"][code] else float("nan")
        kappa_means.append(kappa)
        f1s.append(f1)
        print(f"{code:>2} {label:<39} {kappa:6.2f} {precision:6.2f} {recall:6.2f} {f1:6.2f}")
    precision, recall, f1 = _prf(total)
    print(f"{'mean over themes (macro)':<42} {np.nanmean(kappa_means):6.2f} {'':>6} {'':>6} {np.mean(f1s):6.2f}")
    print(f"{'all codes pooled (micro)':<42} {'':>6} {precision:6.2f} {recall:6.2f} {f1:6.2f}")
    print(
        f"answers with at least one proposal: {result['coverage']:.0%} of substantive answers;"
        f" proposals exactly the gold codes: {result['exact']:.0%} of answers"
    )
    print("confidence  proposals  right")
    for (low, high), (n, right) in zip(BINS, result["calibration"], strict=True):
        if n:
            print(f"{low:4.1f}-{min(high, 1.0):3.1f}  {n:9d}  {right / n:5.0%}")


def print_themes(gold, embed, themes: list[ThemeText]) -> None:
    """The candidate themes for one split's uncoded answers, with purity against the gold codes."""
    coded, rest = split(gold, 1)
    truth = {rid: codes for rid, _, codes in rest}
    result = suggest(coded, {rid: text for rid, text, _ in rest}, embed, themes=themes)
    pure = sum(_purity(t.members, truth) * len(t.members) for t in result.themes)
    members = sum(len(t.members) for t in result.themes)
    print(
        f"candidate themes ({len(result.themes)}; purity {pure / max(members, 1):.0%};"
        f" non-answers flagged {len(result.non_answers)}; threshold {result.threshold:.2f}):"
    )
    for theme in result.themes:
        print(
            f"  {len(theme.members):3d}  {_purity(theme.members, truth):4.0%}  {theme.label:<40} "
            f"[{', '.join(theme.key_terms)}]"
        )


def timing(gold, embed, sizes: list[int], themes: list[ThemeText]) -> None:
    """Seconds for suggest() on synthetic answer sets of each size, and the process's peak memory.

    The first run starts with no cached vectors; the second repeats it, as the coding screen does
    when it groups answers and then proposes codes for the same answers.
    """
    print(f"\n{'answers':>8} {'coded':>6} {'themes':>6} {'proposals':>9} {'seconds':>8} {'again_s':>8} {'peak_MB':>8}")
    for size in sizes:
        rows = synthetic_answers(gold, size, seed=size)
        cut = round(size * CODED_SHARE)
        coded = {rid: (text, codes) for rid, text, codes in rows[:cut]}
        uncoded = {rid: text for rid, text, _ in rows[cut:]}
        if embed.cache is not None:
            embed.cache.clear()
        start = time.perf_counter()
        result = suggest(coded, uncoded, embed, themes=themes)
        seconds = time.perf_counter() - start
        start = time.perf_counter()
        suggest(coded, uncoded, embed, themes=themes)
        again = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{size:8d} {cut:6d} {len(result.themes):6d} {len(result.proposals):9d} {seconds:8.2f} {again:8.2f}"
            f" {peak:8.0f}"
        )


def synthetic_answers(gold, size: int, seed: int) -> list[tuple[str, str, set[int]]]:
    """`size` answers resampled from the gold set, each perturbed the way real answers vary."""
    rng = random.Random(seed)
    return [(f"s{i:06d}", _perturb(text, rng), codes) for i, (_, text, codes) in enumerate(rng.choices(gold, k=size))]


def _perturb(text: str, rng: random.Random) -> str:
    for long, short in ABBREVIATIONS.items():
        if rng.random() < 0.3:
            text = re.sub(rf"\b{re.escape(long)}\b", short, text, flags=re.IGNORECASE)
    words = text.split()
    if len(words) > 4 and rng.random() < 0.4:
        del words[rng.randrange(len(words))]
    if words and rng.random() < 0.3:
        i = rng.randrange(len(words))
        if len(words[i]) > 3:
            j = rng.randrange(len(words[i]) - 1)
            w = words[i]
            words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    text = " ".join(words)
    text = rng.choice(OPENINGS) + (text[0].lower() + text[1:] if text else text) + rng.choice(ENDINGS)
    return text.lower() if rng.random() < 0.2 else text


def _purity(members: list[str], truth: dict[str, set[int]]) -> float:
    tally = Counter(code for rid in members for code in truth[rid])
    if not tally:
        return 0.0
    top = tally.most_common(1)[0][0]
    return sum(top in truth[rid] for rid in members) / len(members)


def _prf(c: Counter) -> tuple[float, float, float]:
    precision = c["tp"] / max(c["tp"] + c["fp"], 1)
    recall = c["tp"] / max(c["tp"] + c["fn"], 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    return precision, recall, f1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--splits", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="*", default=[200, 20_000])
    parser.add_argument("--methods", nargs="*", default=["tfidf", "embeddings"])
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (other work on the machine slows the figures)")
    gold = load_gold(DATA / "coding_gold.csv")
    frame = yaml.safe_load((DATA / "coding_frame.yaml").read_text(encoding="utf-8"))
    themes = {int(code): theme["label"] for code, theme in frame["themes"].items()}
    given = frame_themes(frame)
    print(
        f"gold set: {len(gold)} answers, {sum(len(c) for _, _, c in gold)} codes, {len(themes)} themes;"
        f" {sum(not c for _, _, c in gold)} non-answers"
    )
    for prefer in args.methods:
        start = time.perf_counter()
        try:
            embed = embedder(prefer)
        except EmbeddingsUnavailable as error:
            print(f"\n== {prefer}: skipped ({error}) ==")
            continue
        print(f"\n{embed.method}: ready in {time.perf_counter() - start:.1f} s")
        print_settings(embed.method, setting_figures(gold, given, embed, args.splits))
        result = agreement(gold, themes, embed, args.splits, given)
        print_agreement(embed.method, themes, result, args.splits, len(gold) - round(len(gold) * CODED_SHARE))
        print_themes(gold, embed, given)
        timing(gold, embed, args.sizes, given)


if __name__ == "__main__":
    main()
