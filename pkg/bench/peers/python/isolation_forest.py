"""scikit-learn IsolationForest peer for `npm run bench` (pkg/bench/peers/rows/isolationForest.ts).

timing <data.f64> <labels.u8> <rows> <cols> <repeats>: median fit + score_samples time over `repeats` runs
  (n_estimators=100, max_samples=256, random_state=1, n_jobs=1: single-threaded like Vigil), and the ROC AUC.
nab <data.f64> <labels.u8> <index.json>: per-file ROC AUC of the same model fitted on each file's features.
Prints one JSON line.
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score


def model():
    return IsolationForest(n_estimators=100, max_samples=256, random_state=1, n_jobs=1)


def main():
    mode = sys.argv[1]
    data = np.fromfile(sys.argv[2], dtype="<f8")
    labels = np.fromfile(sys.argv[3], dtype=np.uint8)
    if mode == "timing":
        rows, cols, repeats = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
        X = data.reshape(rows, cols)
        times = []
        scores = None
        for _ in range(repeats):
            t0 = time.perf_counter()
            m = model().fit(X)
            scores = -m.score_samples(X)
            times.append(time.perf_counter() - t0)
        out = {"seconds": float(np.median(times)), "times": times, "auc": float(roc_auc_score(labels, scores))}
    else:
        index = json.load(open(sys.argv[4]))
        cols = index["cols"]
        X = data.reshape(-1, cols)
        aucs = []
        for f in index["files"]:
            a, n = f["offset"], f["rows"]
            part = X[a : a + n]
            scores = -model().fit(part).score_samples(part)
            aucs.append(float(roc_auc_score(labels[a : a + n], scores)))
        out = {"aucs": aucs}
    out["version"] = sklearn.__version__
    print(json.dumps(out))


if __name__ == "__main__":
    main()
