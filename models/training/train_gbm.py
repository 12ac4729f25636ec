"""Design B: gradient boosting on hand-crafted forensic features, and the shortcut baseline
(gradient boosting on file format, dimensions, bytes per pixel and JPEG quality only).
Both are trained on train/ only. Writes .cache/gbm.pkl and .cache/shortcut.pkl.
"""
from __future__ import annotations

import os
import pickle
import time

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

import common as C
from features import features

VIEWS = 3


def shortcut_vector(d: dict) -> list[float]:
    fmt = d["fmt"]
    return [float(fmt in ("jpeg", "mpo")), float(fmt == "webp"), float(fmt == "png"), float(d["w"]), float(d["h"]),
            float(d["bytes"]) / (d["w"] * d["h"]), float(d["q"])]


def main() -> None:
    C.seed_all()
    items = C.load_split("train")
    t0 = time.time()
    # shortcut baseline: the file as stored, no pixels
    xs = np.array([shortcut_vector(C.condition_file_features(it, "as_is")) for it in items])
    ys = np.array([it.label for it in items])
    sc = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, random_state=C.SEED).fit(xs, ys)
    with open(os.path.join(C.CACHE, "shortcut.pkl"), "wb") as f:
        pickle.dump(sc, f)
    print(f"shortcut baseline trained ({time.time() - t0:.0f}s)", flush=True)

    # forensic-feature GBM on randomised views (same pipeline as the CNN, larger crop)
    rng = np.random.default_rng(C.SEED + 1)
    w = C.sample_weights(items) * len(items)
    fx, fy, fw = [], [], []
    for it, wi in zip(items, w):
        for _ in range(VIEWS):
            fx.append(features(C.random_view(it, rng, crop=256)))
            fy.append(it.label)
            fw.append(wi)
    fx = np.stack(fx)
    gbm = HistGradientBoostingClassifier(max_iter=300, learning_rate=0.05, max_leaf_nodes=15,
                                         l2_regularization=1.0, random_state=C.SEED)
    gbm.fit(fx, np.array(fy), sample_weight=np.array(fw))
    with open(os.path.join(C.CACHE, "gbm.pkl"), "wb") as f:
        pickle.dump(gbm, f)
    print(f"forensic GBM trained on {len(fx)} views ({time.time() - t0:.0f}s)")


if __name__ == "__main__":
    main()
