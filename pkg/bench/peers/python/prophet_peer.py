"""Python Prophet peer for `npm run bench` (pkg/bench/peers/rows/prophet.ts).

prophet_peer.py <series.json>: for every series {name, ds (epoch s), y, train, daily, weekly, level}, fit
Prophet on the first `train` points (same seasonalities as Vigil, yearly off, MAP by L-BFGS as Prophet does by
default) and predict the held-out timestamps with the default 1000 uncertainty samples. Reports fit time,
predict time and the forecast (mean, lower, upper) per series. Prints one JSON line.
"""
import json
import logging
import sys
import time

import pandas as pd
import prophet
from prophet import Prophet

logging.getLogger("cmdstanpy").setLevel(logging.ERROR)
logging.getLogger("prophet").setLevel(logging.ERROR)


def main():
    series = json.load(open(sys.argv[1]))
    out = []
    for s in series:
        n = s["train"]
        ds = pd.to_datetime(pd.Series(s["ds"]), unit="s")
        train = pd.DataFrame({"ds": ds[:n], "y": s["y"][:n]})
        future = pd.DataFrame({"ds": ds[n:]})
        t0 = time.perf_counter()
        m = Prophet(
            daily_seasonality=s["daily"],
            weekly_seasonality=s["weekly"],
            yearly_seasonality=False,
            interval_width=s["level"],
        )
        m.fit(train)
        t1 = time.perf_counter()
        f = m.predict(future)
        t2 = time.perf_counter()
        out.append(
            {
                "name": s["name"],
                "fit": t1 - t0,
                "predict": t2 - t1,
                "mean": f["yhat"].tolist(),
                "lower": f["yhat_lower"].tolist(),
                "upper": f["yhat_upper"].tolist(),
            }
        )
    print(json.dumps({"version": prophet.__version__, "series": out}))


if __name__ == "__main__":
    main()
