"""Training data from the manifest corpus (data/manifest.csv + <corpus>/files) and ../shared/datasets, in the
style of common.load_split: the same decode (flatten_rgb, SD-grid tiling, cap_side to the engine's
1024 px analysis image) and the same randomised pipeline (common.random_view) for both classes.

The corpus is too large to keep every decoded analysis image (common.load_split pickles whole images), so
the training cache holds one crop of at most CROP x CROP pixels per image, cut from the analysis image at a
position fixed by the image's key. random_view then downscales by 0.6..1 and crops 192 px from it, as it
does from a whole image. Crops live in .cache/crops/<2 hex>/<key hash>.npy (git-ignored), written once,
resumable. Evaluation decodes the full analysis image (analysis_image) instead.

    /usr/bin/python3 models/training/corpus_data.py [--jobs 1]   # fill the crop cache, print counts
"""
from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import common as C  # noqa: E402
import corpus as K  # noqa: E402

CROP = int(os.environ.get("LOUPE_CROP", "320"))
CROPS = os.path.join(C.CACHE, "crops")
Image.MAX_IMAGE_PIXELS = 200_000_000


@dataclass
class Rec:
    key: str  # "<repo>:<path>" (+ "#tile")
    file: str
    label: int  # 1 = ai
    family: str  # "<ai|real>:<family>", the LOSO unit
    source: str  # repo (or shared:<source>): the balancing unit
    generator: str
    lossy: bool  # stored pixels went through lossy compression (JPEG, lossy WebP)
    tile: int = -1

    @property
    def crop_path(self) -> str:
        h = hashlib.sha1(self.key.encode()).hexdigest()
        return os.path.join(CROPS, h[:2], f"{h}.npy")


def manifest_records(manifest: str = K.MANIFEST, files_dir: str | None = None) -> list[Rec]:
    """Manifest rows whose file is on disk (sha256 verified and decoded by `corpus.py merge`)."""
    files_dir = files_dir or os.path.join(K.default_corpus(), "files")
    info = K.load_info_cache()
    hdr = K.load_header_cache()
    added = 0
    out = []
    for r in K.read_manifest(manifest):
        fp = K.file_of(r["sha256"], r["path"], files_dir)
        meta = info.get(r["sha256"])
        if not os.path.exists(fp):
            continue
        if meta is None or "error" in meta:
            # no merge cache (corpus rebuilt on this machine): the header is enough here, and is kept for next time
            meta = hdr.get(r["sha256"])
            if meta is None:
                meta = hdr[r["sha256"]] = K.header_info(fp)
                added += 1
        lossy = bool(meta["lossy"])
        tile = K.tile_of(r)
        if tile and K.ext_of(r["path"]) in ("jpg", "jpeg", "webp"):
            lossy = True  # a PNG tile cut from a JPEG / (mostly lossy) WebP grid: its pixels went through lossy coding
        key = f"{r['repo']}:{r['path']}" + (f"#c{tile[0]}r{tile[1]}" if tile else "")
        out.append(Rec(key=key, file=fp, label=1 if r["label"] == "ai" else 0,
                       family=f"{r['label']}:{r['family']}", source=r["repo"], generator=r["generator"],
                       lossy=lossy))
    if added:
        K.save_header_cache(hdr)
    return out


def shared_records(datasets: str = K.DATASETS) -> list[Rec]:
    """../shared/datasets (train and dev: LOSO needs no dev split), SD grids as four tiles."""
    import csv

    p = os.path.join(datasets, "labels.csv")
    if not os.path.exists(p):
        return []
    out = []
    with open(p) as f:
        for r in csv.DictReader(f):
            fam = K.shared_family(r["label"], r["source"])
            fmt = r["orig_format"].lower()
            lossy = r["path"].lower().endswith((".jpg", ".jpeg")) or (
                r["path"].lower().endswith(".webp") and "lossless" not in r["transform"] and fmt != "png")
            base = dict(file=os.path.join(datasets, r["path"]), label=1 if r["label"] == "ai" else 0,
                        family=f"{r['label']}:{fam}", source=f"shared:{r['source']}", generator=r["generator"],
                        lossy=lossy)
            if r["source"] == "supagruen-sd-cheatsheet":
                out += [Rec(key=f"shared:{r['path']}#{t}", tile=t, **base) for t in range(4)]
            else:
                out.append(Rec(key=f"shared:{r['path']}", **base))
    return out


def all_records(with_shared: bool = True) -> list[Rec]:
    recs = manifest_records() + (shared_records() if with_shared else [])
    return sorted(recs, key=lambda r: r.key)


def analysis_image(rec: Rec) -> np.ndarray:
    """The engine's analysis image: decoded, alpha on white, grid tile if any, longest side <= 1024."""
    im = Image.open(rec.file)
    im.seek(0)
    rgb = C.flatten_rgb(im)
    if rec.tile >= 0:
        w, h = rgb.size
        tw, th = w // 2, h // 2
        tx, ty = (rec.tile % 2) * tw, (rec.tile // 2) * th
        rgb = rgb.crop((tx, ty, tx + tw, ty + th))
    return np.asarray(C.cap_side(rgb)).copy()


def make_crop(rec: Rec) -> np.ndarray:
    img = analysis_image(rec)
    h, w = img.shape[:2]
    seed = int(hashlib.sha1(rec.key.encode()).hexdigest()[:8], 16)
    rng = np.random.default_rng(seed)
    ch, cw = min(CROP, h), min(CROP, w)
    y0, x0 = int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1))
    return np.ascontiguousarray(img[y0:y0 + ch, x0:x0 + cw])


def _fill_one(rec: Rec) -> str | None:
    p = rec.crop_path
    if os.path.exists(p):
        return None
    try:
        a = make_crop(rec)
    except Exception as e:  # noqa: BLE001
        return f"{rec.key}: {type(e).__name__}: {e}"
    os.makedirs(os.path.dirname(p), exist_ok=True)
    tmp = p + f".{os.getpid()}.tmp"
    with open(tmp, "wb") as f:
        np.save(f, a)
    os.replace(tmp, p)
    return None


def fill_crop_cache(recs: list[Rec], jobs: int = 1, log=print) -> list[str]:
    """Decode every record once and store its training crop; returns the errors. Resumable."""
    todo = [r for r in recs if not os.path.exists(r.crop_path)]
    log(f"crop cache: {len(recs) - len(todo)} present, {len(todo)} to decode ({jobs} process(es))")
    errors = []
    t0 = time.time()
    if jobs > 1:
        import multiprocessing as mp

        with mp.get_context("fork").Pool(jobs) as pool:
            for k, e in enumerate(pool.imap_unordered(_fill_one, todo, chunksize=8), 1):
                if e:
                    errors.append(e)
                if k % 500 == 0:
                    log(f"  decoded {k}/{len(todo)} in {time.time() - t0:.0f}s")
    else:
        for k, r in enumerate(todo, 1):
            e = _fill_one(r)
            if e:
                errors.append(e)
            if k % 500 == 0:
                log(f"  decoded {k}/{len(todo)} in {time.time() - t0:.0f}s")
    log(f"crop cache done in {time.time() - t0:.0f}s, {len(errors)} errors")
    for e in errors[:10]:
        log(f"  {e}")
    return errors


class _Held:
    """What common.random_view needs from an item: the image and whether its pixels were lossy."""

    __slots__ = ("img", "lossy")

    def __init__(self, img: np.ndarray, lossy: bool):
        self.img, self.lossy = img, lossy


def load_crop(rec: Rec) -> np.ndarray:
    """The record's training crop; made now (and cached) when the cache does not hold it yet, so a run may skip
    the up-front fill_crop_cache and decode only the records its batches draw (the crop is fixed by the key,
    so it is the same crop either way)."""
    if not os.path.exists(rec.crop_path):
        e = _fill_one(rec)
        if e:
            raise RuntimeError(e)
    return np.load(rec.crop_path)


def training_batch(recs: list[Rec], weights: np.ndarray, views: int, patches: int,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One batch in train_cnn.py's style: `views` records drawn with `weights`, one random_view each
    (identical pipeline for both classes), `patches` random patches per view with the record's label."""
    idx = rng.choice(len(recs), size=views, p=weights)
    xs, ys = [], []
    for i in idx:
        r = recs[i]
        v = C.random_view(_Held(load_crop(r), r.lossy), rng)
        xs.append(C.random_patches(v, patches, rng))
        ys += [r.label] * patches
    return np.concatenate(xs), np.array(ys, dtype=np.float32)


def balanced_weights(recs: list[Rec]) -> np.ndarray:
    """Each class half the mass, each source (repo) mass ~ sqrt(its size) inside its class."""
    return K.sqrt_weights([r.label for r in recs], [r.source for r in recs])


# Longest-side bins (px) for size matching: the corpus's real photos were mostly 300-530 px dataset images and its
# AI images about 1024 px (models/README.md), so image size alone separated the classes.
# Quarter-octave bins from 128 px to 8192 px: coarse bins leave the classes' medians a bin apart.
SIZE_EDGES = (0, *(round(128 * 2 ** (k / 4)) for k in range(1, 24)), 1 << 30)


def longest_side(r: Rec) -> int:
    """Longest side of a record's stored file (header only)."""
    with Image.open(r.file) as im:
        return max(im.size)


def size_matched_weights(recs: list[Rec], edges=SIZE_EDGES, sides: list[int] | None = None) -> np.ndarray:
    """balanced_weights, then reweighted so that both classes draw their crops from the same longest-side
    distribution: in each size bin both classes get the smaller of their two masses (the overlap), spread over the
    bin's items in proportion to their balanced weight; a bin that one class lacks is not drawn from at all. Each
    class keeps half the mass."""
    w = balanced_weights(recs)
    sides = sides if sides is not None else [longest_side(r) for r in recs]
    b = np.digitize(np.asarray(sides), np.asarray(edges[1:-1]))
    lab = np.array([r.label for r in recs])
    out = np.zeros_like(w)
    for k in np.unique(b):
        m = b == k
        mass = [w[m & (lab == c)].sum() for c in (0, 1)]
        t = min(mass)
        for c in (0, 1):
            if mass[c] > 0:
                out[m & (lab == c)] = w[m & (lab == c)] * (t / mass[c])
    if out.sum() == 0:
        raise ValueError("no size bin holds both classes")
    for c in (0, 1):
        out[lab == c] *= 0.5 / out[lab == c].sum()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=1)
    a = ap.parse_args()
    recs = all_records()
    print(Counter(r.family for r in recs).most_common())
    fill_crop_cache(recs, a.jobs)


if __name__ == "__main__":
    main()
