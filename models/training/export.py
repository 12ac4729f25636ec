"""Export the trained CNN to models/loupe-detector.onnx with its sidecar models/loupe-detector.json
and the parity vectors models/parity.json (deterministic images made by a formula, with the
expected PyTorch outputs), which lib/detection/ml/*.test.ts checks the TypeScript port against.
"""
from __future__ import annotations

import hashlib
import json
import os

import numpy as np
import onnx
import torch

import common as C

VERSION = "loupe-detector-1.2.0"
OUT_DIR = os.path.join(C.REPO, "models")
ONNX_PATH = os.path.join(OUT_DIR, "loupe-detector.onnx")


def parity_image(w: int, h: int) -> np.ndarray:
    """v(x, y, c) = (37x + 11y + 71c + 5·((x·y) mod 13)) mod 256: integer-only, trivially ported."""
    y, x = np.mgrid[0:h, 0:w].astype(np.int64)
    chans = [(37 * x + 11 * y + 71 * c + 5 * ((x * y) % 13)) % 256 for c in range(3)]
    return np.stack(chans, axis=-1).astype(np.uint8)


def aggregate(logits: np.ndarray, method: str) -> float:
    if method == "mean":
        return float(logits.mean())
    k = int(method.removeprefix("top"))
    return float(np.sort(logits)[-k:].mean())


def main() -> None:
    C.seed_all()
    ck = torch.load(os.path.join(C.CACHE, "cnn.pt"))
    C.set_patch(ck.get("patch", 64))
    model = C.ResidualCNN(ck["width"], C.PATCH)
    model.load_state_dict(ck["state"])
    model.eval()
    with open(os.path.join(C.CACHE, "calibration.json")) as f:
        cal = json.load(f)
    design = cal["design"]
    if not design.startswith("cnn"):
        # Only the CNN has an ONNX path (the GBM's features are numpy code); ship the better CNN
        # aggregation on half A and let the card say that the GBM measured better.
        with open(os.path.join(C.CACHE, "eval.json")) as f:
            ev = json.load(f)
        best_cnn = max(("cnn_mean", "cnn_top8"), key=lambda d: ev["selection_auc_half_a"][d])
        print(f"WARNING: selected design {design} has no ONNX export; exporting {best_cnn}")
        cal = {"design": best_cnn, "method": "platt", "fitted_on": cal["fitted_on"], **ev["calibration"][best_cnn]}
    agg = "mean" if cal["design"] == "cnn_mean" else "top8"

    dummy = torch.rand(4, 3, C.PATCH, C.PATCH)
    torch.onnx.export(model, dummy, ONNX_PATH, input_names=["patches"], output_names=["logits"],
                      dynamic_axes={"patches": {0: "n"}, "logits": {0: "n"}}, opset_version=13,
                      do_constant_folding=True)
    m = onnx.load(ONNX_PATH)
    onnx.checker.check_model(m)
    raw = open(ONNX_PATH, "rb").read()
    sha = hashlib.sha256(raw).hexdigest()
    n_params = int(sum(p.numel() for p in model.parameters()))

    sidecar = {
        "version": VERSION,
        "onnx": os.path.basename(ONNX_PATH),
        "sha256": sha,
        "opset": 13,
        "params": n_params,
        "input": {"name": "patches", "shape": ["n", 3, C.PATCH, C.PATCH], "dtype": "float32", "layout": "NCHW"},
        "output": {"name": "logits", "shape": ["n"], "meaning": "per-patch logit, > 0 leans AI-generated"},
        "preprocessing": {
            "image": "the engine's analysis image: sRGB, 3 channels, alpha flattened on white, longest side "
                     f"<= {C.ANALYSIS_MAX_SIDE} (Lanczos), never upscaled; 1-channel input is replicated to RGB",
            "pad": f"if width or height < {C.PATCH}, pad bottom/right by edge replication to {C.PATCH}",
            "value": "float32(byte) / 255, channel order R,G,B, planar (NCHW)",
            "grid": "per axis of length L: if L <= P: [0]; else n = min(maxPerSide, ceil((L-P)/stride) + 1); "
                    "n == 1 ? [floor((L-P)/2)] : [floor(i*(L-P)/(n-1)) for i in 0..n-1] (integer arithmetic)",
            "order": "row-major: y outer, x inner",
        },
        "patch": {"size": C.PATCH, "stride": C.STRIDE, "maxPerSide": C.MAX_PER_SIDE},
        "aggregation": {"method": agg, "description": "image logit = mean of patch logits" if agg == "mean"
                        else "image logit = mean of the 8 largest patch logits (all if fewer)"},
        "calibration": {"method": "platt", "a": cal["a"], "b": cal["b"],
                        "formula": "p = 1 / (1 + exp(-(a * logit + b)))", "fittedOn": cal["fitted_on"],
                        "patches": "patch probabilities for the heatmap use the same a, b on patch logits"},
    }
    with open(os.path.join(OUT_DIR, "loupe-detector.json"), "w") as f:
        json.dump(sidecar, f, indent=2)
        f.write("\n")

    cases = []
    for w, h in ((150, 100), (48, 80), (300, 520)):
        img = parity_image(w, h)
        x, pos = C.grid_patches(img)
        with torch.no_grad():
            lg = model(torch.from_numpy(x)).numpy().astype(np.float64)
        il = aggregate(lg, agg)
        cases.append({"width": w, "height": h, "inputSum": float(x.astype(np.float64).sum()),
                      "positions": [list(p) for p in pos], "patchLogits": [round(float(v), 6) for v in lg],
                      "imageLogit": round(il, 6),
                      "probability": round(float(1 / (1 + np.exp(-(cal["a"] * il + cal["b"])))), 6)})
    with open(os.path.join(OUT_DIR, "parity.json"), "w") as f:
        json.dump({"modelVersion": VERSION, "sha256": sha,
                   "formula": "v(x,y,c) = (37*x + 11*y + 71*c + 5*((x*y) % 13)) % 256, RGB interleaved, 8-bit",
                   "tolerance": 1e-4, "cases": cases}, f, indent=1)
        f.write("\n")
    print(f"exported {ONNX_PATH} ({len(raw) / 1e6:.2f} MB, {n_params} params, sha256 {sha[:12]}…)")


if __name__ == "__main__":
    main()
