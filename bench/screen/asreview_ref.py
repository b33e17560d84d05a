#!/usr/bin/python3
"""Reference screening simulation: ASReview's default model written with
scikit-learn (TF-IDF unigrams, English stop words; MultinomialNB alpha=3.822;
"double" balance with ASReview's default a=2.155, alpha=0.94, b=0.789,
beta=1.0 and its random resampling; max-relevance query; retrained after every
label). Priors: 1 included + 1 excluded drawn at random per run. Metrics as
ASReview (priors out of N); a run stops once every relevant record is found
(the metrics are fixed from then on), as `evident simulate` does.

usage: asreview_ref.py LABELLED.csv [--runs R] [--seed S] [--model nb|lr] [--json]
"""
import argparse, csv, json, math, sys, time
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.naive_bayes import MultinomialNB
from sklearn.linear_model import LogisticRegression

csv.field_size_limit(1 << 30)


def load(path):
    texts, y = [], []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            texts.append((row.get("title") or "") + " " + (row.get("abstract") or ""))
            y.append(int(row["label_included"]))
    return texts, np.array(y)


def random_round(v, rs):
    base = int(math.floor(v))
    return base + 1 if rs.random_sample() < v - base else base


def fill_training(src, n, rs):
    n_copy = int(n / len(src))
    n_sample = n - n_copy * len(src)
    return np.append(np.tile(src, n_copy), rs.choice(src, n_sample, replace=False)).astype(int)


def double_balance(y, train_idx, rs, a=2.155, alpha=0.94, b=0.789, beta=1.0):
    one = train_idx[y[train_idx] == 1]
    zero = train_idx[y[train_idx] == 0]
    n1, n0 = len(one), len(zero)
    n = n1 + n0
    one_w = a * (n0 / n1) ** alpha
    zero_w = 1 - (1 - b) * (1 + n) ** (-beta)
    tot = one_w * n1 + zero_w * n0
    n1_train = random_round(one_w * n1 * n / tot, rs)
    n1_train = max(1, min(n - 2, n1_train))
    idx = np.append(fill_training(one, n1_train, rs), fill_training(zero, n - n1_train, rs))
    return idx


def one_run(X, y, seed, model):
    rs = np.random.RandomState(seed)
    N = len(y)
    pos, neg = np.where(y == 1)[0], np.where(y == 0)[0]
    labelled = [int(rs.choice(pos)), int(rs.choice(neg))]
    seen = np.zeros(N, bool)
    seen[labelled] = True
    R = int(y.sum()) - 1
    found, seq = 0, []
    while found < R and not seen.all():
        tr = np.array(labelled)
        idx = double_balance(y, tr, rs)
        clf = MultinomialNB(alpha=3.822) if model == "nb" else LogisticRegression(C=1.0, solver="liblinear")
        clf.fit(X[idx], y[idx])
        pool = np.where(~seen)[0]
        p = clf.predict_proba(X[pool])[:, 1]
        pick = int(pool[np.argmax(p)])
        seen[pick] = True
        labelled.append(pick)
        found += int(y[pick])
        seq.append(found)
    n = N - 2
    need95 = math.ceil(0.95 * R - 1e-9)
    n95 = next(i + 1 for i, f in enumerate(seq) if f >= need95)
    n100 = next(i + 1 for i, f in enumerate(seq) if f >= R)
    k10 = int(math.floor(0.1 * n))
    r10 = (seq[k10 - 1] if k10 - 1 < len(seq) else R) / R if k10 > 0 else 0.0
    return {"wss95": 0.95 - n95 / n, "wss100": 1 - n100 / n, "recall10": r10, "n95": n95, "n100": n100}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--model", default="nb")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    t0 = time.time()
    texts, y = load(a.path)
    X = TfidfVectorizer(ngram_range=(1, 1), stop_words="english").fit_transform(texts)
    runs = [one_run(X, y, a.seed + r, a.model) for r in range(a.runs)]
    secs = time.time() - t0
    mean = {k: float(np.mean([r[k] for r in runs])) for k in runs[0]}
    out = {"file": a.path, "records": len(y), "relevant": int(y.sum()), "runs": runs, "mean": mean, "seconds": secs}
    if a.json:
        print(json.dumps(out))
    else:
        print("WSS@95 %.1f%%  recall@10%% %.1f%%  n95 %.1f  n100 %.1f  time %.2f s" % (
            100 * mean["wss95"], 100 * mean["recall10"], mean["n95"], mean["n100"], secs))


if __name__ == "__main__":
    main()
