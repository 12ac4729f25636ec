"""The LOSO protocol of loso.py, run for another pixel-level design (designs.py), so designs are compared on
exactly the same records, folds, evaluation subsets, sampling, optimiser, schedule, step budget and scoring.

Nothing of loso.py is re-implemented: the plan is the baseline's frozen plan.json (copied into the design's
folder on the first run), and training, scoring and metrics are loso.train_fold / score_fold / metrics /
write_report. The only difference is the network: while this script runs, the constructor that
loso.train_fold calls (common.ResidualCNN, looked up at call time) is replaced in this process by the design's
constructor. Checkpoints and resume behave as in loso.py (<out>/fold<k>.pt every epoch, fold<k>_scores.json,
fold<k>.done); <out>/design.json pins the design, so a folder is never resumed with another one.

    nice -n 19 nohup /usr/bin/python3 models/training/loso_designs.py --design npr \
        > models/training/.cache/loso-npr/log.txt 2>&1 &
    /usr/bin/python3 models/training/loso_designs.py --design npr --report
    /usr/bin/python3 models/training/loso_designs.py --compare npr fused   # .cache/design-comparison.md
    /usr/bin/python3 models/training/loso_designs.py --design npr --final  # train on all folds, export
                                                                           # .cache/candidate.onnx

Writes <out>/loso.json and <out>/loso.md in loso.py's format (out: models/training/.cache/loso-<design>).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from collections import Counter

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import common as C  # noqa: E402
import corpus_data as D  # noqa: E402
import designs as X  # noqa: E402
import loso as L  # noqa: E402

BASE_OUT = L.OUT  # .cache/loso: the baseline run and its plan
log = L.log


class use_design:
    """Within the block, loso.train_fold builds the design instead of ResidualCNN(width, patch)."""

    def __init__(self, name: str):
        self.name = name

    def __enter__(self):
        self.saved = C.ResidualCNN
        C.ResidualCNN = lambda *a, **k: X.build(self.name)
        return self

    def __exit__(self, *exc):
        C.ResidualCNN = self.saved


def out_dir(name: str) -> str:
    return os.path.join(C.CACHE, f"loso-{name}")


def load_plan(out: str, base_plan: str) -> dict:
    pp = os.path.join(out, "plan.json")
    if not os.path.exists(pp):
        shutil.copyfile(base_plan, pp + ".tmp")
        os.replace(pp + ".tmp", pp)
    return json.load(open(pp))


def report(name: str, plan: dict, out: str) -> str:
    res = L.metrics(plan, out)
    res["design"] = {"name": name, "description": X.DESIGNS[name][0]}
    md = L.write_report(res, out)
    s = plan["settings"]
    md = md.replace(f"Per fold: ResidualCNN width {s['width']}, ",
                    f"Per fold: design `{name}` ({X.DESIGNS[name][0]}), ", 1)
    with open(os.path.join(out, "loso.md"), "w") as f:
        f.write(md)
    return md


# --- comparison ----------------------------------------------------------------------------------------
def _summary(res: dict, folds: set[int] | None = None) -> dict:
    """Mean / worst over the complete families with >= loso.MIN_FAMILY_N scored images, as loso.md counts them
    (a 1-image family's AUC is noise, and it moved the designs' ranking)."""
    fam = {f: e for f, e in res["families"].items() if e["complete"] and (folds is None or e["fold"] in folds)
           and e["n"] >= L.MIN_FAMILY_N}
    out = {"n_families": len(fam), "folds": sorted({e["fold"] for e in fam.values()})}
    for cond in L.CONDS:
        if fam:
            a = {f: e[f"auc_{cond}"] for f, e in fam.items()}
            w = min(a, key=a.get)
            out[f"mean_auc_{cond}"] = float(np.mean(list(a.values())))
            out[f"worst_{cond}"] = (w, a[w])
            out[f"mean_tpr1_{cond}"] = float(np.mean([e[f"tpr1_{cond}"] for e in fam.values()]))
    return out


def baseline_dir(plan: dict) -> str:
    """The finished loso.py run made from the same plan as the designs' runs: .cache/loso, or a folder the
    baseline was moved to (.cache/loso-*, no design.json) when loso.py was replanned on a newer corpus."""
    cands = [BASE_OUT] + sorted(os.path.join(C.CACHE, d) for d in os.listdir(C.CACHE) if d.startswith("loso-"))
    for d in cands:
        pp = os.path.join(d, "plan.json")
        if os.path.exists(pp) and not os.path.exists(os.path.join(d, "design.json")) and \
                json.load(open(pp))["created"] == plan["created"]:
            return d
    sys.exit(f"no baseline run with the plan of {plan['created']}")


def compare(names: list[str], path: str) -> str:
    plans = [json.load(open(os.path.join(out_dir(n), "plan.json"))) for n in names
             if os.path.exists(os.path.join(out_dir(n), "plan.json"))]
    if len({p["created"] for p in plans}) > 1:
        sys.exit("the designs' runs use different plans")
    plan = plans[0] if plans else json.load(open(os.path.join(BASE_OUT, "plan.json")))
    bdir = baseline_dir(plan)
    runs = {"baseline": L.metrics(plan, bdir)}
    for n in names:
        o = out_dir(n)
        if os.path.exists(os.path.join(o, "plan.json")):
            runs[n] = L.metrics(json.load(open(os.path.join(o, "plan.json"))), o)
    costs = {}
    cp = os.path.join(C.CACHE, "design-costs.json")
    if os.path.exists(cp):
        costs = json.load(open(cp))
    done = {n: {e["fold"] for e in r["families"].values() if e["complete"]} for n, r in runs.items()}
    common_folds = set.intersection(*done.values()) if done else set()
    s = plan["settings"]
    lines = [
        f"# Pixel-level designs under LOSO ({plan['k']} folds by source family, issue #11)", "",
        f"Baseline: the loso.py run in `.cache/{os.path.basename(bdir)}`. Same plan (its plan.json, created "
        f"{plan['created']}, {len(plan['records'])} records), same folds, training records, "
        f"sampling (sources ~ sqrt(size) per class), randomised pipeline, optimiser and schedule "
        f"(AdamW 2e-3, one-cycle), {s['steps']} steps x {s['views']} views x {s['patches']} patches per fold, "
        f"same held-out subsets (<= {s['eval_per_family']} per family) and scoring (mean patch logit over the "
        f"engine's grid). Written by `loso_designs.py --compare`.", "",
        "Cost: params; MACs per 64x64 patch; ONNX size (opset 13, the shipped export call); p50 ms for 36 "
        "patches with onnxruntime-node, 1 intra-op thread (the engine's runtime), and with torch, 1 thread. "
        "Measured on the shared 2-core machine while training ran, so absolute ms are noisy; the ratios hold.", "",
        "| design | description | params | MMACs / patch | ONNX KB | ms / 36 patches (ort, 1 thr) | "
        "ms / 36 patches (torch, 1 thr) | folds done | mean family AUC as-is | worst family AUC as-is | "
        "mean family AUC neutralised | worst family AUC neutralised | mean TPR @ 1% FPR neutralised |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]

    def row(n, sm):
        c = costs.get(n, {})
        desc = X.DESIGNS[n][0] if n in X.DESIGNS else n
        cost_s = (f"{c['params']} | {c['macs_per_patch'] / 1e6:.1f} | {c['onnx_bytes'] / 1e3:.0f} | "
                  f"{c['ms36_ort_1thread']:.1f} | {c['ms36_torch_1thread']:.1f}") if c else "? | ? | ? | ? | ?"
        if "mean_auc_as_is" not in sm:
            return f"| {n} | {desc} | {cost_s} | none | | | | | |"
        return (f"| {n} | {desc} | {cost_s} | {','.join(map(str, sm['folds']))} | {sm['mean_auc_as_is']:.3f} | "
                f"{sm['worst_as_is'][1]:.3f} ({sm['worst_as_is'][0]}) | **{sm['mean_auc_neutralised']:.3f}** | "
                f"**{sm['worst_neutralised'][1]:.3f}** ({sm['worst_neutralised'][0]}) | "
                f"{100 * sm['mean_tpr1_neutralised']:.1f}% |")

    lines += [row(n, _summary(r)) for n, r in runs.items()]
    lines += ["", f"Means and worst families (here and below) are over families with >= {L.MIN_FAMILY_N} scored "
                  "images, as in loso.md; the per-family tables list every family.",
              "", "The rows above average over the folds each run finished; where those differ, compare designs only "
                  "in the tables below (same folds, same families)."]
    partial = any(done[n] != done["baseline"] for n in runs)
    if partial and common_folds:
        lines += ["", f"Not every design finished every fold. On the folds all designs finished "
                      f"({', '.join(map(str, sorted(common_folds)))}) only, same budget:", "",
                  "| design | folds | families | mean family AUC as-is | worst as-is | mean family AUC neutralised | "
                  "worst neutralised | mean TPR @ 1% FPR neutralised |", "|---|---|---|---|---|---|---|---|"]
        for n, r in runs.items():
            sm = _summary(r, common_folds)
            lines.append(f"| {n} | {','.join(map(str, sm['folds']))} | {sm['n_families']} | {sm['mean_auc_as_is']:.3f} | "
                         f"{sm['worst_as_is'][1]:.3f} ({sm['worst_as_is'][0]}) | **{sm['mean_auc_neutralised']:.3f}** | "
                         f"**{sm['worst_neutralised'][1]:.3f}** ({sm['worst_neutralised'][0]}) | "
                         f"{100 * sm['mean_tpr1_neutralised']:.1f}% |")
    pair = [n for n in runs if n != "baseline" and done[n]]
    if pair:
        lines += ["", "Each design against the baseline on the folds that design finished (same families, same budget); "
                      "delta = design - baseline:", "",
                  "| design | folds | families | mean AUC neutralised (baseline) | delta | worst AUC neutralised "
                  "(baseline) | delta | mean AUC as-is (baseline) | delta | mean TPR @ 1% FPR neutralised (baseline) | "
                  "families better / worse (neutralised AUC) |", "|---|---|---|---|---|---|---|---|---|---|---|"]
        for n in pair:
            d, b = _summary(runs[n], done[n]), _summary(runs["baseline"], done[n])
            fs = [f for f, e in runs[n]["families"].items() if e["complete"] and e["fold"] in done[n]
                  and e["n"] >= L.MIN_FAMILY_N]
            better = sum(runs[n]["families"][f]["auc_neutralised"] > runs["baseline"]["families"][f]["auc_neutralised"]
                         for f in fs)
            lines.append(
                f"| {n} | {','.join(map(str, d['folds']))} | {d['n_families']} | {d['mean_auc_neutralised']:.3f} "
                f"({b['mean_auc_neutralised']:.3f}) | {d['mean_auc_neutralised'] - b['mean_auc_neutralised']:+.3f} | "
                f"{d['worst_neutralised'][1]:.3f} ({b['worst_neutralised'][1]:.3f}) | "
                f"{d['worst_neutralised'][1] - b['worst_neutralised'][1]:+.3f} | {d['mean_auc_as_is']:.3f} "
                f"({b['mean_auc_as_is']:.3f}) | {d['mean_auc_as_is'] - b['mean_auc_as_is']:+.3f} | "
                f"{100 * d['mean_tpr1_neutralised']:.1f}% ({100 * b['mean_tpr1_neutralised']:.1f}%) | "
                f"{better} / {len(fs) - better} |")
    fams = sorted({f for r in runs.values() for f in r["families"]}, key=lambda f: (not f.startswith("ai:"), f))
    hdr = " | ".join(runs)
    lines += ["", "Per family, neutralised (decoded, <= 1024 px, JPEG q90, no metadata): AUC / TPR @ 1% FPR. "
                  "Each family scored by the model of the fold that held it out; '-' = fold not finished.", "",
              f"| family | fold | images | {hdr} |", "|---|---|---|" + "---|" * len(runs)]
    for f in fams:
        e0 = next(r["families"][f] for r in runs.values() if f in r["families"])
        cells = []
        for r in runs.values():
            e = r["families"].get(f)
            cells.append(f"{e['auc_neutralised']:.3f} / {100 * e['tpr1_neutralised']:.0f}%"
                         if e and e["complete"] else "-")
        lines.append(f"| {f} | {e0['fold']} | {e0['n']} | " + " | ".join(cells) + " |")
    lines += ["", "Per family, as-is (the analysis image as decoded from the file): AUC.", "",
              f"| family | {hdr} |", "|---|" + "---|" * len(runs)]
    for f in fams:
        cells = [f"{r['families'][f]['auc_as_is']:.3f}" if f in r["families"] and r["families"][f]["complete"]
                 else "-" for r in runs.values()]
        lines.append(f"| {f} | " + " | ".join(cells) + " |")
    md = "\n".join(lines) + "\n"
    with open(path, "w") as f:
        f.write(md)
    return md


# --- final model on every fold's data ------------------------------------------------------------------
def final(name: str, plan: dict, out: str, threads: int) -> None:
    """Train the design on every family (the LOSO budget and seed of fold index k) and export
    .cache/candidate.onnx with the shipped export call; check onnxruntime-node against torch on random
    patches (tolerance 1e-4)."""
    s = plan["settings"]
    recs = L.plan_records(plan)
    train = [r for r, _ in recs if os.path.exists(r.crop_path)]
    log(f"final {name}: training on all {len(train)} images ({Counter(r.label for r in train)})")
    with use_design(name):
        model = L.train_fold(plan["k"], train, s, out)  # checkpoint fold<k>.pt = "all folds"
    model.eval()
    path = os.path.join(C.CACHE, "candidate.onnx")
    X.export_onnx(model, path)
    torch.manual_seed(7)
    x = torch.rand(64, 3, 64, 64)
    with torch.no_grad():
        ref = model(x).numpy()
    o = X.ort_run(path, x.numpy(), reps=5)
    diff = float(np.abs(np.array(o["logits"]) - ref).max())
    info = {"design": name, "description": X.DESIGNS[name][0], "trained_on": "all LOSO families",
            "records": len(train), "steps": s["steps"], "onnx": path, "onnx_bytes": os.path.getsize(path),
            "onnx_torch_maxdiff_random64": diff, "parity_ok_1e-4": diff <= 1e-4,
            "checkpoint": os.path.join(out, f"fold{plan['k']}.pt"), "created": time.strftime("%Y-%m-%d %H:%M:%S")}
    with open(os.path.join(C.CACHE, "candidate.json"), "w") as f:
        json.dump(info, f, indent=1)
    log(f"candidate: {json.dumps(info)}")
    if diff > 1e-4:
        sys.exit(f"ONNX and torch disagree: {diff}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--design", choices=sorted(X.DESIGNS))
    ap.add_argument("--threads", type=int, default=int(os.environ.get("LOUPE_THREADS", "2")))
    ap.add_argument("--base-plan", default=os.path.join(BASE_OUT, "plan.json"))
    ap.add_argument("--fold-order", default=None, help="comma-separated fold order (default 0..k-1)")
    ap.add_argument("--only-fold", type=int, default=None)
    ap.add_argument("--lazy-crops", action="store_true", help="as loso.py --lazy-crops")
    ap.add_argument("--seed-offset", type=int, default=0,
                    help="a replicate with other seeds (loso.py --seed-offset) in .cache/loso-<design>-seed<k>; "
                         "--compare reads only the seed-0 folders")
    ap.add_argument("--report", action="store_true")
    ap.add_argument("--final", action="store_true", help="train on all folds' data, export .cache/candidate.onnx")
    ap.add_argument("--costs", nargs="*", help="measure designs' cost into .cache/design-costs.json")
    ap.add_argument("--compare", nargs="*", help="write .cache/design-comparison.md for these designs")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    if a.costs is not None:
        cp = os.path.join(C.CACHE, "design-costs.json")
        costs = json.load(open(cp)) if os.path.exists(cp) else {}
        for n in a.costs or list(X.DESIGNS):
            costs[n] = X.cost(n)
            print(json.dumps(costs[n]), flush=True)
        with open(cp, "w") as f:
            json.dump(costs, f, indent=1)
        return
    if a.compare is not None:
        print(compare(a.compare, os.path.join(C.CACHE, "design-comparison.md")))
        return
    if not a.design:
        sys.exit("--design is required")
    out = out_dir(a.design) + (f"-seed{a.seed_offset}" if a.seed_offset else "")
    os.makedirs(out, exist_ok=True)
    dp = os.path.join(out, "design.json")
    if os.path.exists(dp):
        if json.load(open(dp))["name"] != a.design:
            sys.exit(f"{out} holds another design")
    else:
        with open(dp, "w") as f:
            json.dump({"name": a.design, "description": X.DESIGNS[a.design][0]}, f)
    plan = load_plan(out, a.base_plan)
    log(f"design {a.design}: {X.DESIGNS[a.design][0]}; plan from {plan['created']}: "
        f"{len(plan['records'])} records, k={plan['k']}")
    if a.report:
        print(report(a.design, plan, out))
        return
    if a.final:
        final(a.design, plan, out, a.threads)
        return
    s = plan["settings"]
    recs = L.plan_records(plan)
    bad = set()
    if not a.lazy_crops:
        D.fill_crop_cache([r for r, _ in recs], 1, log=log)
        bad = {r.key for r, _ in recs if not os.path.exists(r.crop_path)}
    if bad:
        log(f"{len(bad)} records could not be decoded; left out")
    order = [int(j) for j in a.fold_order.split(",")] if a.fold_order else list(range(plan["k"]))
    for j in order:
        if a.only_fold is not None and j != a.only_fold:
            continue
        done = os.path.join(out, f"fold{j}.done")
        if os.path.exists(done):
            continue
        train = [r for r, _ in recs if plan["folds"][r.family] != j and r.key not in bad]
        held = [r for r, ev in recs if plan["folds"][r.family] == j and ev]
        log(f"fold {j}: training {a.design} on {len(train)} images ({Counter(r.label for r in train)}), "
            f"scoring {len(held)} held-out")
        with use_design(a.design):
            model = L.train_fold(j, train, s, out, a.seed_offset)
        L.score_fold(j, model, held, out)
        open(done, "w").close()
        log(f"fold {j}: done")
        print(report(a.design, plan, out), flush=True)
    print(report(a.design, plan, out), flush=True)
    log("all folds done" if all(os.path.exists(os.path.join(out, f"fold{j}.done")) for j in range(plan["k"]))
        else "folds requested done")


if __name__ == "__main__":
    main()
