"""scikit-learn OneClassSVM peer for `npm run bench` (pkg/bench/peers/rows/oneClassSvm.ts).

<train.f64> <train_rows> <test.f64> <test_labels.u8> <test_rows> <cols> <out_decision.f64>: fits
OneClassSVM(nu=0.05, gamma='scale', tol=1e-3) on the training rows, scores the test rows, writes the decision
function to <out_decision.f64> and prints one JSON line with fit and score times and the ROC AUC.
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.metrics import roc_auc_score
from sklearn.svm import OneClassSVM


def main():
    train_file, train_rows, test_file, labels_file, test_rows, cols, out_file = sys.argv[1:8]
    cols = int(cols)
    train = np.fromfile(train_file, dtype="<f8").reshape(int(train_rows), cols)
    test = np.fromfile(test_file, dtype="<f8").reshape(int(test_rows), cols)
    labels = np.fromfile(labels_file, dtype=np.uint8)
    t0 = time.perf_counter()
    m = OneClassSVM(nu=0.05, gamma="scale", tol=1e-3).fit(train)
    t1 = time.perf_counter()
    decision = m.decision_function(test)
    t2 = time.perf_counter()
    decision.astype("<f8").tofile(out_file)
    print(
        json.dumps(
            {
                "fitSeconds": t1 - t0,
                "scoreSeconds": t2 - t1,
                "auc": float(roc_auc_score(labels, -decision)),
                "supportVectors": int(len(m.support_)),
                "version": sklearn.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
