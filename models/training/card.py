"""Regenerate the numeric sections of models/README.md from what the pipeline wrote (.cache/eval.json,
cnn_train.json, retrain.json, the sidecar and labels.csv). Nothing in those sections is typed by
hand; each is replaced between <!-- NAME:begin --> and <!-- NAME:end --> markers.
"""
from __future__ import annotations

import csv
import json
import os
from collections import Counter

import common as C

NAMES = {"cnn_mean": "Patch CNN, mean of patch logits", "cnn_top8": "Patch CNN, mean of top-8 patch logits",
         "gbm": "Gradient boosting on forensic features",
         "shortcut": "Shortcut baseline (format, size, bytes/pixel, JPEG quality)"}


def pct(v: float) -> str:
    return f"{100 * v:.1f}%"


def data_section() -> str:
    with open(os.path.join(C.DATASETS, "labels.csv")) as f:
        rows = list(csv.DictReader(f))
    cnt: Counter = Counter()
    for r in rows:
        n = 4 if r["source"] == "supagruen-sd-cheatsheet" else 1
        cnt[(r["label"], r["source"], r["split"])] += n
    lines = ["| label | source | train images | dev images |", "|---|---|---|---|"]
    tot: Counter = Counter()
    for lab, src in sorted({(k[0], k[1]) for k in cnt}):
        tr, dv = cnt[(lab, src, "train")], cnt[(lab, src, "dev")]
        tot[(lab, "train")] += tr
        tot[(lab, "dev")] += dv
        lines.append(f"| {lab} | {src} | {tr} | {dv} |")
    for lab in ("ai", "real"):
        lines.append(f"| **{lab} total** | | **{tot[(lab, 'train')]}** | **{tot[(lab, 'dev')]}** |")
    lines.append("")
    lines.append("Counts are images after tiling (each SD cheat-sheet file is a 2×2 grid → 4 images of 512²).")
    return "\n".join(lines)


def training_section() -> str:
    p = lambda n: os.path.join(C.CACHE, n)  # noqa: E731
    tr = json.load(open(p("cnn.pt.json")))
    side = json.load(open(os.path.join(C.REPO, "models", "loupe-detector.json")))
    size = os.path.getsize(os.path.join(C.REPO, "models", "loupe-detector.onnx"))
    lines = [f"- CNN: {side['params']:,} parameters, ONNX opset {side['opset']}, {size / 1e6:.2f} MB, "
             f"version `{side['version']}`, sha256 `{side['sha256'][:16]}…`.",
             f"- CNN width {tr.get('width', 24)} (channels {', '.join(str(k * tr.get('width', 24)) for k in (1, 2, 3, 4))}).",
             f"- CNN training: {tr['steps']} steps × {tr['views']} views × {tr['patches']} patches "
             f"= {tr['steps'] * tr['views'] * tr['patches']:,} patches seen, {tr['train_seconds'] / 60:.1f} min "
             f"on {tr.get('host', 'the build machine')}."]
    if os.path.exists(p("retrain.json")):
        rt = json.load(open(p("retrain.json")))
        lines.append(f"- Whole `train.sh` (decode, CNN, GBM, evaluation, export): {rt['total_seconds'] / 60:.1f} min "
                     f"on {rt['host']} (shared with other work, so an idle machine is faster).")
    return "\n".join(lines)


def metrics_section(r: dict) -> str:
    lines = [f"Reported on **dev half B**: {r['n_b']} images ({r['n_b_ai']} AI, {r['n_b_real']} real, after tiling "
             f"the SD grids), never trained on and not used for calibration or design selection. Half A "
             f"({r['n_a']} images, split by group and stratified by source) fitted the Platt calibration and "
             f"chose the design. Calibration weights the classes equally, so the probability is calibrated for a "
             f"50 % prior; half B is {100 * r['n_b_ai'] / r['n_b']:.0f} % AI, so plain ECE and accuracy mix "
             f"calibration with that prior shift, and the balanced columns weight each class to half. "
             f"Accuracy uses threshold 0.5 on the calibrated probability. TPR at 1% FPR on "
             f"{r['n_b_real']} real images is coarse (one false positive is {100 / max(1, r['n_b_real']):.1f}% FPR). "
             f"The last column is the uncalibrated AUC over all of dev (A and B).",
             "",
             "| design | condition | AUC | accuracy | balanced accuracy | TPR @ 1% FPR | ECE | ECE, balanced | AUC, all dev |",
             "|---|---|---|---|---|---|---|---|---|"]
    for d in ["cnn_mean", "cnn_top8", "gbm", "shortcut"]:
        for cond in C.CONDITIONS:
            m = r["metrics"][d][cond]
            tag = " **(shipped)**" if d == r["exported"] else ""
            lines.append(f"| {NAMES[d]}{tag} | {cond} | {m['auc']:.3f} | {pct(m['acc'])} | {pct(m['balanced_acc'])} | "
                         f"{pct(m['tpr_at_1pct_fpr'])} | {m['ece']:.3f} | {m['ece_balanced']:.3f} | "
                         f"{m['auc_full_dev_uncalibrated']:.3f} |")
    lines.append("")
    lines.append("Design selection (mean AUC over the four conditions on dev half A): " + "; ".join(
        f"{NAMES[d]} {v:.3f}" for d, v in r["selection_auc_half_a"].items()) +
        f". Best: **{NAMES[r['selected']]}**; shipped: **{NAMES[r['exported']]}**.")
    for key, title in (("per_source", "Per source: correct / total on half B, threshold 0.5 (for real sources "
                                      "this is the true-negative rate)"),
                       ("per_generator", "Per generator: recall on half B (AI only)")):
        lines += ["", f"#### {title}", "",
                  "| group | " + " | ".join(f"{c}" for c in C.CONDITIONS) + " | shortcut, as_is | shortcut, matched_jpeg90 |",
                  "|---|" + "---|" * (len(C.CONDITIONS) + 2)]
        best, sc = r[key][r["exported"]], r[key]["shortcut"]
        for g in sorted(best):
            cells = [f"{best[g][c][0]}/{best[g][c][1]}" for c in C.CONDITIONS]
            cells += [f"{sc[g][c][0]}/{sc[g][c][1]}" for c in ("as_is", "matched_jpeg90")]
            lines.append(f"| {g} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def replace(card: str, name: str, text: str) -> str:
    b, e = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    if b not in card or e not in card:
        raise SystemExit(f"models/README.md lacks the {name} markers")
    return card.split(b)[0] + b + "\n" + text + "\n" + e + card.split(e, 1)[1]


def main() -> None:
    r = json.load(open(os.path.join(C.CACHE, "eval.json")))
    side = json.load(open(os.path.join(C.REPO, "models", "loupe-detector.json")))
    r["exported"] = "cnn_mean" if side["aggregation"]["method"] == "mean" else "cnn_top8"
    path = os.path.join(C.REPO, "models", "README.md")
    card = open(path).read()
    card = replace(card, "data", data_section())
    card = replace(card, "training", training_section())
    card = replace(card, "metrics", metrics_section(r))
    open(path, "w").write(card)
    print("model card tables regenerated")


if __name__ == "__main__":
    main()
