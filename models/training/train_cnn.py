"""Train the patch CNN on randomised views of train/ only. Fixed seed, fixed step count (no early
stopping on dev, so dev stays unseen). Writes .cache/cnn.pt.

    /usr/bin/python3 models/training/train_cnn.py [--steps N] [--width W]

--width defaults to $LOUPE_CNN_WIDTH (16 when unset, the shipped model); evaluate.py and export.py read the width from
the checkpoint, so LOUPE_CNN_WIDTH=24 bash models/training/train.sh builds the whole pipeline at 24 (the 1.0 model).
"""
from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

import common as C


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=int(os.environ.get("LOUPE_CNN_STEPS", "4000")))
    ap.add_argument("--width", type=int, default=int(os.environ.get("LOUPE_CNN_WIDTH", "16")),
                    help="CNN base width (channels width, 2w, 3w, 4w); default $LOUPE_CNN_WIDTH or 16")
    ap.add_argument("--views", type=int, default=16, help="views per batch")
    ap.add_argument("--patches", type=int, default=4, help="patches per view")
    ap.add_argument("--out", default=os.path.join(C.CACHE, "cnn.pt"))
    a = ap.parse_args()

    C.seed_all()
    items = C.load_split("train")
    weights = C.sample_weights(items)
    rng = np.random.default_rng(C.SEED)
    model = C.ResidualCNN(a.width, C.PATCH)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=a.steps, pct_start=0.1)
    t0 = time.time()
    run_loss, run_acc = 0.0, 0.0
    model.train()
    for step in range(1, a.steps + 1):
        idx = rng.choice(len(items), size=a.views, p=weights)
        xs, ys = [], []
        for i in idx:
            v = C.random_view(items[i], rng)
            xs.append(C.random_patches(v, a.patches, rng))
            ys += [items[i].label] * a.patches
        x = torch.from_numpy(np.concatenate(xs))
        y = torch.tensor(ys, dtype=torch.float32)
        logit = model(x)
        loss = F.binary_cross_entropy_with_logits(logit, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        run_loss = 0.98 * run_loss + 0.02 * loss.item()
        run_acc = 0.98 * run_acc + 0.02 * ((logit > 0).float() == y).float().mean().item()
        if step % 100 == 0:
            print(f"step {step}/{a.steps} loss {run_loss:.3f} patch-acc {run_acc:.3f} {time.time() - t0:.0f}s",
                  flush=True)
    model.eval()
    torch.save({"state": model.state_dict(), "width": a.width, "patch": C.PATCH, "steps": a.steps,
                "train_seconds": time.time() - t0}, a.out)
    with open(a.out + ".json", "w") as f:
        json.dump({"steps": a.steps, "width": a.width, "patch": C.PATCH, "views": a.views, "patches": a.patches,
                   "train_seconds": round(time.time() - t0, 1), "train_items": len(items),
                   "host": f"{os.cpu_count()} CPU cores, {torch.get_num_threads()} torch threads"}, f)
    print(f"saved {a.out} after {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
