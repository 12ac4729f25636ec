"""Leave-one-source-out model selection, k-fold by source family (issue #11).

Every source family (manifest `family` column, ../shared/datasets sources mapped by corpus.SHARED_FAMILY;
AI and real families are distinct units) is assigned to exactly one of k folds, so no family is ever on
both sides. For each fold the ResidualCNN of the shipped recipe is trained from scratch on the other folds
(train_cnn.py's optimiser, schedule and randomised pipeline; sources balanced ~ sqrt(size) inside each
class) and scores the held-out fold's images in two conditions:

- as_is:        the analysis image as decoded from the file (longest side <= 1024, alpha on white);
- neutralised:  decode, longest side <= 1024, JPEG q90 (Pillow, no metadata), decoded again.

Image score = mean patch logit over the engine's patch grid (common.grid_patches). Per family, in the
fold where it is held out:
- AUC: that family against the fold's held-out images of the other label (unseen families only);
- TPR @ 1 % FPR: for an AI family, the recall at the threshold where the fold's held-out real images have
  1 % false positives; for a real family, the recall of the fold's held-out AI images at the threshold
  where this real family has 1 % false positives.
Held-out images are subsampled per family (--eval-per-family, sources ~ sqrt(size)) to bound the cost.

Resumable: the plan (records, folds, evaluation subsets) is frozen in <out>/plan.json on the first run;
training checkpoints every epoch (--epoch-steps) to <out>/fold<k>.pt; held-out scores go to
<out>/fold<k>_scores.json. Rerun the same command after a kill and it continues. --replan starts over
on the current corpus (delete <out> to drop old checkpoints too).

    nohup nice -n 19 /usr/bin/python3 models/training/loso.py > models/training/.cache/loso/log.txt 2>&1 &
    /usr/bin/python3 models/training/loso.py --report      # tables from whatever folds are done

Writes <out>/loso.json and <out>/loso.md (default out: models/training/.cache/loso).
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import os
import sys
import time
from collections import Counter, defaultdict

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from sklearn.metrics import roc_auc_score, roc_curve

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import common as C  # noqa: E402
import corpus as K  # noqa: E402
import corpus_data as D  # noqa: E402

OUT = os.path.join(C.CACHE, "loso")
CONDS = ["as_is", "neutralised"]
MIN_FAMILY_N = 20  # families with fewer scored images are listed but left out of the mean / worst


def log(*a) -> None:
    print(time.strftime("%H:%M:%S"), *a, flush=True)


# --- plan --------------------------------------------------------------------------------------------
def assign_folds(fam_sizes: dict[str, int], k: int) -> dict[str, int]:
    """Greedy: inside each label, largest family first onto the fold with the fewest images of that label
    (ties: lowest fold), so every fold holds AI and real families of similar total size."""
    folds: dict[str, int] = {}
    for lab in ("ai", "real"):
        load = [0] * k
        fams = sorted((f for f in fam_sizes if f.startswith(lab + ":")), key=lambda f: (-fam_sizes[f], f))
        for f in fams:
            j = min(range(k), key=lambda i: (load[i], i))
            folds[f] = j
            load[j] += fam_sizes[f]
    return folds


def make_plan(a) -> dict:
    recs = D.all_records(with_shared=not a.no_shared)
    fam_sizes = Counter(r.family for r in recs)
    n_ai = len([f for f in fam_sizes if f.startswith("ai:")])
    n_real = len([f for f in fam_sizes if f.startswith("real:")])
    k = max(2, min(a.folds, n_ai, n_real))
    folds = assign_folds(dict(fam_sizes), k)
    # evaluation subset: per family up to N images, sources ~ sqrt(size), seeded
    rows = [{"i": i, "label": r.family, "repo": r.source} for i, r in enumerate(recs)]
    evals = set()
    for fam in sorted(fam_sizes):
        fr = [x for x in rows if x["label"] == fam]
        evals.update(x["i"] for x in K.balanced_sample(fr, a.eval_per_family, seed=C.SEED))
    plan = {
        "created": time.strftime("%Y-%m-%d %H:%M:%S"), "k": k, "folds": folds,
        "families": dict(sorted(fam_sizes.items())),
        "settings": {"steps": a.steps, "epoch_steps": a.epoch_steps, "width": a.width, "views": a.views,
                     "patches": a.patches, "eval_per_family": a.eval_per_family, "crop": D.CROP,
                     "shared_datasets": not a.no_shared, "size_match": a.size_match},
        "records": [{"key": r.key, "file": r.file, "label": r.label, "family": r.family, "source": r.source,
                     "generator": r.generator, "lossy": r.lossy, "tile": r.tile, "eval": i in evals}
                    for i, r in enumerate(recs)],
    }
    return plan


def plan_records(plan: dict) -> list[tuple[D.Rec, bool]]:
    out = []
    for x in plan["records"]:
        ev = x.pop("eval") if "eval" in x else False
        out.append((D.Rec(**x), ev))
        x["eval"] = ev
    return out


# --- training ----------------------------------------------------------------------------------------
def save_atomic(obj, path: str) -> None:
    torch.save(obj, path + ".tmp")
    os.replace(path + ".tmp", path)


def train_fold(fold: int, train: list[D.Rec], s: dict, out: str, seed_offset: int = 0) -> C.ResidualCNN:
    """seed_offset != 0: another replicate of the same fold (other initialisation and batch draws), to measure how
    much the LOSO numbers move with the seed alone."""
    ck = os.path.join(out, f"fold{fold}.pt")
    seed = C.SEED + fold + 1000 * seed_offset
    torch.manual_seed(seed)
    model = C.ResidualCNN(s["width"], C.PATCH)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=s["steps"], pct_start=0.1)
    rng = np.random.default_rng(seed)
    step, secs = 0, 0.0
    run_loss, run_acc = 0.0, 0.0
    if os.path.exists(ck):
        st = torch.load(ck)
        model.load_state_dict(st["state"])
        opt.load_state_dict(st["opt"])
        sched.load_state_dict(st["sched"])
        rng.bit_generator.state = st["rng"]
        torch.set_rng_state(st["torch_rng"])
        step, secs = st["step"], st["seconds"]
        run_loss, run_acc = st.get("run_loss", 0.0), st.get("run_acc", 0.0)
        log(f"fold {fold}: resumed at step {step}/{s['steps']}")
    if step >= s["steps"]:
        model.eval()
        return model
    weights = D.size_matched_weights(train) if s.get("size_match") else D.balanced_weights(train)
    model.train()
    t0 = time.time() - secs
    te = time.time()
    while step < s["steps"]:
        x, y = D.training_batch(train, weights, s["views"], s["patches"], rng)
        x, y = torch.from_numpy(x), torch.from_numpy(y)
        logit = model(x)
        loss = F.binary_cross_entropy_with_logits(logit, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        step += 1
        run_loss = 0.98 * run_loss + 0.02 * loss.item() if step > 1 else loss.item()
        run_acc = 0.98 * run_acc + 0.02 * ((logit > 0).float() == y).float().mean().item()
        if step % s["epoch_steps"] == 0 or step == s["steps"]:
            save_atomic({"state": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
                         "rng": rng.bit_generator.state, "torch_rng": torch.get_rng_state(), "step": step,
                         "run_loss": run_loss, "run_acc": run_acc, "seconds": time.time() - t0, "width": s["width"], "patch": C.PATCH}, ck)
            log(f"fold {fold}: step {step}/{s['steps']} loss {run_loss:.3f} patch-acc {run_acc:.3f} "
                f"epoch {time.time() - te:.0f}s total {time.time() - t0:.0f}s (checkpoint saved)")
            te = time.time()
    model.eval()
    return model


# --- scoring -----------------------------------------------------------------------------------------
def neutralise(img: np.ndarray) -> np.ndarray:
    """Decode (done), longest side <= 1024 (done by analysis_image), JPEG q90 without metadata, decode."""
    b = io.BytesIO()
    Image.fromarray(img).save(b, format="JPEG", quality=90)
    b.seek(0)
    return np.asarray(Image.open(b).convert("RGB"))


def image_logit(model, img: np.ndarray) -> float:
    x, _ = C.grid_patches(img)
    with torch.no_grad():
        return float(model(torch.from_numpy(x)).mean())


EVAL_PATCHES = os.path.join(C.CACHE, f"eval-patches-p{C.PATCH}")


def held_patches(r: D.Rec) -> dict[str, np.ndarray]:
    """The engine's grid patches of a held-out image in both conditions (float32, byte / 255, as grid_patches
    returns them). Kept as bytes in .cache/eval-patches-p<patch>/ so that every design's run scores exactly the
    same pixels without decoding and re-encoding the image again (the decode + JPEG round trip costs more than
    the small network)."""
    h = hashlib.sha1(r.key.encode()).hexdigest()
    p = os.path.join(EVAL_PATCHES, h[:2], f"{h}.npz")
    if os.path.exists(p):
        with np.load(p) as z:
            return {c: z[c].astype(np.float32) / 255.0 for c in CONDS}
    img = D.analysis_image(r)
    xs = {"as_is": C.grid_patches(img)[0], "neutralised": C.grid_patches(neutralise(img))[0]}
    os.makedirs(os.path.dirname(p), exist_ok=True)
    tmp = f"{p}.{os.getpid()}.tmp.npz"
    np.savez(tmp, **{c: np.rint(x * 255.0).astype(np.uint8) for c, x in xs.items()})
    os.replace(tmp, p)
    return xs


def patches_logit(model, x: np.ndarray) -> float:
    with torch.no_grad():
        return float(model(torch.from_numpy(x)).mean())


def score_fold(fold: int, model, held: list[D.Rec], out: str) -> dict:
    sp = os.path.join(out, f"fold{fold}_scores.json")
    scores = json.load(open(sp)) if os.path.exists(sp) else {}
    todo = [r for r in held if r.key not in scores]
    t0 = time.time()
    for k, r in enumerate(todo, 1):
        try:
            xs = held_patches(r)
            scores[r.key] = {"as_is": patches_logit(model, xs["as_is"]), "neutralised": patches_logit(model, xs["neutralised"]),
                             "label": r.label, "family": r.family, "source": r.source}
        except Exception as e:  # noqa: BLE001
            scores[r.key] = {"error": str(e)[:200], "label": r.label, "family": r.family, "source": r.source}
        if k % 200 == 0 or k == len(todo):
            with open(sp + ".tmp", "w") as f:
                json.dump(scores, f)
            os.replace(sp + ".tmp", sp)
            log(f"fold {fold}: scored {k}/{len(todo)} held-out images in {time.time() - t0:.0f}s")
    return scores


# --- metrics -----------------------------------------------------------------------------------------
def tpr_at_fpr(pos: np.ndarray, neg: np.ndarray, fpr_max: float = 0.01) -> float:
    y = np.r_[np.ones(len(pos)), np.zeros(len(neg))]
    fpr, tpr, _ = roc_curve(y, np.r_[pos, neg])
    return float(tpr[fpr <= fpr_max].max())


def _file_meta(plan: dict) -> dict:
    """key -> (w, h, format, lossy) of the stored file, from merge's caches (no decoding)."""
    info = K.load_info_cache()
    sp = os.path.join(C.CACHE, "shared_info.json")
    sinfo = json.load(open(sp)) if os.path.exists(sp) else {}
    hdr = K.load_header_cache()  # where merge's caches are missing (corpus rebuilt, not merged, on this machine)
    added = 0
    meta = {}
    for x in plan["records"]:
        if x["key"].startswith("shared:"):
            hk = "shared:" + x["key"][len("shared:"):].split("#")[0]
            m = sinfo.get(hk[len("shared:"):])
        else:
            hk = os.path.basename(x["file"]).split(".")[0]
            m = info.get(hk)
        if m is None:
            m = hdr.get(hk)
            if m is None and os.path.exists(x["file"]):
                try:
                    m = hdr[hk] = K.header_info(x["file"])
                except Exception as e:  # noqa: BLE001
                    m = hdr[hk] = {"error": f"{type(e).__name__}: {e}"[:200]}
                added += 1
        if m and "error" not in m:
            w, h = (m["w"] // 2, m["h"] // 2) if x["tile"] >= 0 else (m["w"], m["h"])
            meta[x["key"]] = (w, h, m["format"], bool(x["lossy"]))
    if added:
        K.save_header_cache(hdr)
    return meta


def _shortcut_x(m: tuple, cond: str) -> list[float]:
    w, h, fmt, lossy = m
    if cond == "neutralised":  # what survives neutralisation: the analysis size (<= 1024), JPEG for all
        f = min(1.0, 1024 / max(w, h))
        w, h, fmt, lossy = round(w * f), round(h * f), "jpeg", True
    return [math.log(w), math.log(h), math.log(w * h), float(fmt == "jpeg"), float(fmt == "png"),
            float(fmt == "webp"), float(lossy)]


def shortcut_scores(plan: dict, fold: int, keys: list[str]) -> dict:
    """A pixel-free baseline under the same LOSO protocol: gradient boosting on file size/format features
    (width, height, pixels, JPEG/PNG/WebP, lossy), trained on the fold's training families."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    meta = _file_meta(plan)
    train = [x for x in plan["records"] if plan["folds"][x["family"]] != fold and x["key"] in meta]
    out = {}
    for cond in CONDS:
        X = np.array([_shortcut_x(meta[x["key"]], cond) for x in train])
        y = np.array([x["label"] for x in train])
        w = K.sqrt_weights(list(y), [x["source"] for x in train]) * len(y)
        clf = HistGradientBoostingClassifier(max_iter=200, random_state=C.SEED).fit(X, y, sample_weight=w)
        ks = [k for k in keys if k in meta]
        p = clf.predict_proba(np.array([_shortcut_x(meta[k], cond) for k in ks]))[:, 1] if ks else []
        for k, v in zip(ks, p):
            out.setdefault(k, {})[cond] = float(v)
    return out


def metrics(plan: dict, out: str) -> dict:
    fams = plan["families"]
    res = {"families": {}, "folds": {}, "settings": plan["settings"], "k": plan["k"], "plan_created": plan["created"]}
    for fold in range(plan["k"]):
        sp = os.path.join(out, f"fold{fold}_scores.json")
        if not os.path.exists(sp):
            continue
        sc = [v for v in json.load(open(sp)).values() if "error" not in v]
        held_fams = sorted(f for f, j in plan["folds"].items() if j == fold)
        done = os.path.exists(os.path.join(out, f"fold{fold}.done"))
        fr = {"families": held_fams, "complete": done, "n": len(sc)}
        for cond in CONDS:
            s = np.array([v[cond] for v in sc])
            y = np.array([v["label"] for v in sc])
            if len(set(y)) == 2:
                fr[f"auc_{cond}"] = float(roc_auc_score(y, s))
                fr[f"tpr1_{cond}"] = tpr_at_fpr(s[y == 1], s[y == 0])
        raw = json.load(open(sp))
        sc_keys = [k for k, v in raw.items() if "error" not in v]
        short = shortcut_scores(plan, fold, sc_keys)
        for k in sc_keys:
            raw[k]["short"] = short.get(k)
        sc = [raw[k] for k in sc_keys]
        res["folds"][str(fold)] = fr
        for fam in held_fams:
            lab = 1 if fam.startswith("ai:") else 0
            mine = [v for v in sc if v["family"] == fam]
            other = [v for v in sc if v["label"] != lab]
            if not mine or not other:
                continue
            e = {"fold": fold, "n": len(mine), "n_other": len(other), "files": fams.get(fam, 0),
                 "sources": len({v["source"] for v in mine}), "complete": done}
            for cond in CONDS:
                a = np.array([v[cond] for v in mine])
                b = np.array([v[cond] for v in other])
                pos, neg = (a, b) if lab == 1 else (b, a)
                e[f"auc_{cond}"] = float(roc_auc_score(np.r_[np.ones(len(pos)), np.zeros(len(neg))], np.r_[pos, neg]))
                e[f"tpr1_{cond}"] = tpr_at_fpr(pos, neg)
                a = np.array([v["short"][cond] for v in mine if v.get("short")])
                b = np.array([v["short"][cond] for v in other if v.get("short")])
                if len(a) and len(b):
                    pos, neg = (a, b) if lab == 1 else (b, a)
                    e[f"shortcut_auc_{cond}"] = float(roc_auc_score(np.r_[np.ones(len(pos)), np.zeros(len(neg))],
                                                                    np.r_[pos, neg]))
            res["families"][fam] = e
    # pooled: every family against all held-out images of the other label from every finished fold (each
    # image scored by the model of its own fold; fold models are not calibrated to each other, so this is
    # a complement to the within-fold numbers, not a replacement)
    allsc = []
    for fold in range(plan["k"]):
        sp = os.path.join(out, f"fold{fold}_scores.json")
        if os.path.exists(sp):
            allsc += [v for v in json.load(open(sp)).values() if "error" not in v]
    for fam, e in res["families"].items():
        lab = 1 if fam.startswith("ai:") else 0
        mine = [v for v in allsc if v["family"] == fam]
        other = [v for v in allsc if v["label"] != lab]
        e["n_other_pooled"] = len(other)
        for cond in CONDS:
            a = np.array([v[cond] for v in mine])
            b = np.array([v[cond] for v in other])
            pos, neg = (a, b) if lab == 1 else (b, a)
            e[f"pooled_auc_{cond}"] = float(roc_auc_score(np.r_[np.ones(len(pos)), np.zeros(len(neg))], np.r_[pos, neg]))
    # mean / worst over families with enough scored images (a 1-image family says nothing)
    res["min_family_n"] = MIN_FAMILY_N
    fam_e = {f: e for f, e in res["families"].items() if e["n"] >= MIN_FAMILY_N}
    if fam_e:
        for cond in CONDS:
            aucs = [v[f"auc_{cond}"] for v in fam_e.values()]
            res[f"mean_family_auc_{cond}"] = float(np.mean(aucs))
            worst = min(fam_e, key=lambda f: fam_e[f][f"auc_{cond}"])
            res[f"worst_family_auc_{cond}"] = {"family": worst, "auc": fam_e[worst][f"auc_{cond}"]}
    return res


def write_report(res: dict, out: str) -> str:
    with open(os.path.join(out, "loso.json"), "w") as f:
        json.dump(res, f, indent=1)
    s = res["settings"]
    lines = [
        f"LOSO, {res['k']} folds by source family (no family on both sides). Per fold: ResidualCNN width "
        f"{s['width']}, {s['steps']} steps x {s['views']} views x {s['patches']} patches, sources ~ sqrt(size) "
        f"inside each class; held-out images subsampled to <= {s['eval_per_family']} per family. AUC: the family "
        f"against the fold's held-out images of the other label. TPR @ 1 % FPR: AI family: recall at the "
        f"fold-real 1 % FPR threshold; real family: fold-AI recall at this family's 1 % FPR threshold. "
        f"Neutralised: decoded, <= 1024 px, JPEG q90, no metadata. Pooled AUC: the family against every "
        f"held-out image of the other label from all finished folds (each scored by its own fold's model). "
        f"Shortcut AUC: a pixel-free baseline (gradient boosting on width, height, pixel count, format, lossy; "
        f"neutralised: the capped size only) trained on the same folds: where it is high, the family differs "
        f"from the other label by size/format, and the CNN's number may lean on the same difference.",
        "",
        "| family | fold | images scored (files) | sources | AUC as-is | AUC neutralised | TPR @ 1% FPR as-is | "
        "TPR @ 1% FPR neutralised | pooled AUC as-is | pooled AUC neutralised | shortcut AUC as-is | shortcut AUC neutralised |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    fam = res["families"]
    for f in sorted(fam, key=lambda f: (not f.startswith("ai:"), f)):
        e = fam[f]
        mark = "" if e["complete"] else " (partial)"
        lines.append(f"| {f}{mark} | {e['fold']} | {e['n']} ({e['files']}) | {e['sources']} | {e['auc_as_is']:.3f} | "
                     f"{e['auc_neutralised']:.3f} | {100 * e['tpr1_as_is']:.0f}% | {100 * e['tpr1_neutralised']:.0f}% | "
                     f"{e['pooled_auc_as_is']:.3f} | {e['pooled_auc_neutralised']:.3f} | "
                     f"{e.get('shortcut_auc_as_is', float('nan')):.3f} | {e.get('shortcut_auc_neutralised', float('nan')):.3f} |")
    if "mean_family_auc_as_is" in res:
        lines += ["", f"Over families with >= {res['min_family_n']} scored images: mean family AUC: as-is {res['mean_family_auc_as_is']:.3f}, neutralised "
                      f"**{res['mean_family_auc_neutralised']:.3f}**. Worst family: as-is "
                      f"{res['worst_family_auc_as_is']['family']} {res['worst_family_auc_as_is']['auc']:.3f}, "
                      f"neutralised {res['worst_family_auc_neutralised']['family']} "
                      f"**{res['worst_family_auc_neutralised']['auc']:.3f}**."]
    lines += ["", "| fold | held-out families | images | AUC as-is | AUC neutralised | TPR @ 1% FPR as-is | TPR @ 1% FPR neutralised |",
              "|---|---|---|---|---|---|---|"]
    for k, fr in sorted(res["folds"].items()):
        if "auc_as_is" not in fr:
            continue
        lines.append(f"| {k}{'' if fr['complete'] else ' (partial)'} | {', '.join(fr['families'])} | {fr['n']} | "
                     f"{fr['auc_as_is']:.3f} | {fr['auc_neutralised']:.3f} | {100 * fr['tpr1_as_is']:.0f}% | "
                     f"{100 * fr['tpr1_neutralised']:.0f}% |")
    md = "\n".join(lines) + "\n"
    with open(os.path.join(out, "loso.md"), "w") as f:
        f.write(md)
    return md


# --- main --------------------------------------------------------------------------------------------
def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--steps", type=int, default=int(os.environ.get("LOUPE_LOSO_STEPS", "1500")))
    ap.add_argument("--epoch-steps", type=int, default=250, help="steps per epoch (checkpoint interval)")
    ap.add_argument("--width", type=int, default=int(os.environ.get("LOUPE_CNN_WIDTH", "16")))
    ap.add_argument("--views", type=int, default=16)
    ap.add_argument("--patches", type=int, default=4)
    ap.add_argument("--eval-per-family", type=int, default=150)
    ap.add_argument("--no-shared", action="store_true", help="leave ../shared/datasets out")
    ap.add_argument("--size-match", action="store_true",
                    help="draw both classes' crops from matched longest-side distributions (corpus_data.size_matched_weights)")
    ap.add_argument("--jobs", type=int, default=1, help="processes for the one-off crop-cache decode")
    ap.add_argument("--lazy-crops", action="store_true",
                    help="skip the up-front crop-cache decode: a crop is made when a batch first draws its record "
                         "(same crop; a short run then decodes only what it draws)")
    ap.add_argument("--threads", type=int, default=int(os.environ.get("LOUPE_THREADS", "2")))
    ap.add_argument("--out", default=OUT)
    ap.add_argument("--plan-from", default=None, help="copy this plan.json into --out on the first run (a replicate "
                                                      "of another run's plan, e.g. with --seed-offset)")
    ap.add_argument("--seed-offset", type=int, default=0,
                    help="replicate with other seeds (pinned in <out>/seed.json); 0 = the protocol's seeds")
    ap.add_argument("--only-fold", type=int, default=None)
    ap.add_argument("--replan", action="store_true", help="re-read the corpus and reassign folds")
    ap.add_argument("--time-epoch", action="store_true", help="time one epoch of fold 0 on a scratch copy, then exit")
    ap.add_argument("--report", action="store_true", help="only write loso.json / loso.md from finished scores")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.set_num_threads(a.threads)
    pp = os.path.join(a.out, "plan.json")
    if a.plan_from and not os.path.exists(pp):
        with open(a.plan_from) as f, open(pp + ".tmp", "w") as g:
            g.write(f.read())
        os.replace(pp + ".tmp", pp)
    sp = os.path.join(a.out, "seed.json")
    pinned = json.load(open(sp))["seed_offset"] if os.path.exists(sp) else 0
    if not a.report and a.seed_offset != pinned:
        if any(f.startswith("fold") for f in os.listdir(a.out)):
            sys.exit(f"{a.out} holds folds trained with seed offset {pinned}")
        with open(sp, "w") as f:
            json.dump({"seed_offset": a.seed_offset}, f)
    if os.path.exists(pp) and not a.replan:
        plan = json.load(open(pp))
        log(f"plan from {plan['created']}: {len(plan['records'])} records, k={plan['k']}")
    else:
        if a.report:
            sys.exit("no plan yet")
        plan = make_plan(a)
        for f in os.listdir(a.out):
            if f.startswith("fold"):
                os.remove(os.path.join(a.out, f))
        with open(pp, "w") as f:
            json.dump(plan, f)
        log(f"new plan: {len(plan['records'])} records, k={plan['k']}")
    if a.report:
        print(write_report(metrics(plan, a.out), a.out))
        return
    s = plan["settings"]
    if a.size_match != bool(s.get("size_match")):
        # the folds already trained used the plan's sampling; mixing the two would make one report of two designs
        sys.exit(f"the plan in {a.out} was made with size_match={bool(s.get('size_match'))}; "
                 f"use another --out (or --replan) to change it")
    for j in range(plan["k"]):
        fams = sorted(f for f, v in plan["folds"].items() if v == j)
        log(f"fold {j}: " + ", ".join(f"{f} ({plan['families'][f]})" for f in fams))
    recs = plan_records(plan)
    bad = set()
    if not a.lazy_crops:
        D.fill_crop_cache([r for r, _ in recs], a.jobs, log=log)
        bad = {r.key for r, _ in recs if not os.path.exists(r.crop_path)}
    if bad:
        log(f"{len(bad)} records could not be decoded; left out")
    if a.time_epoch:
        s = dict(s, steps=s["epoch_steps"])
        scratch = os.path.join(a.out, "time-epoch")
        os.makedirs(scratch, exist_ok=True)
        train = [r for r, _ in recs if plan["folds"][r.family] != 0 and r.key not in bad]
        t0 = time.time()
        train_fold(0, train, s, scratch)
        log(f"one epoch ({s['epoch_steps']} steps): {time.time() - t0:.0f}s")
        os.remove(os.path.join(scratch, "fold0.pt"))
        return
    for j in range(plan["k"]):
        if a.only_fold is not None and j != a.only_fold:
            continue
        done = os.path.join(a.out, f"fold{j}.done")
        if os.path.exists(done):
            continue
        train = [r for r, _ in recs if plan["folds"][r.family] != j and r.key not in bad]
        held = [r for r, ev in recs if plan["folds"][r.family] == j and ev]
        log(f"fold {j}: training on {len(train)} images ({Counter(r.label for r in train)}), "
            f"scoring {len(held)} held-out")
        model = train_fold(j, train, s, a.out, a.seed_offset)
        score_fold(j, model, held, a.out)
        open(done, "w").close()
        log(f"fold {j}: done")
        print(write_report(metrics(plan, a.out), a.out), flush=True)
    print(write_report(metrics(plan, a.out), a.out), flush=True)
    log("all folds done")


if __name__ == "__main__":
    main()
