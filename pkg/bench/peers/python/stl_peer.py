"""statsmodels seasonal-decomposition peer for `npm run bench` (pkg/bench/peers/rows/mstl.ts).

stl_peer.py <series.json> <repeats>: for every series {name, y, periods}, time statsmodels STL (first period,
robust=False) and statsmodels MSTL (all periods), median of `repeats` runs each, and report the residual
standard deviation of each decomposition. Prints one JSON line.
"""
import json
import sys
import time

import numpy as np
import statsmodels
from statsmodels.tsa.seasonal import MSTL, STL


def timed(fn, repeats):
    times = []
    res = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        res = fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), res


def main():
    series = json.load(open(sys.argv[1]))
    repeats = int(sys.argv[2])
    out = []
    for s in series:
        y = np.asarray(s["y"], dtype=float)
        periods = s["periods"]
        stl_t, stl = timed(lambda: STL(y, period=periods[0]).fit(), repeats)
        mstl_t, mstl = timed(lambda: MSTL(y, periods=periods).fit(), repeats)
        out.append(
            {
                "name": s["name"],
                "stl": stl_t,
                "mstl": mstl_t,
                "stlResidStd": float(np.std(stl.resid)),
                "mstlResidStd": float(np.std(mstl.resid)),
            }
        )
    print(json.dumps({"version": statsmodels.__version__, "series": out}))


if __name__ == "__main__":
    main()
