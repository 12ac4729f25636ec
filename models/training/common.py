"""Shared pieces of the Loupe detector recipe: data cache, the randomised pipeline, the patch grid
(the exact preprocessing the TypeScript side re-implements), the CNN, and the evaluation conditions.

Everything here is deterministic given a seed. Run the scripts from the repository root; the dataset
is read from ../shared/datasets (override with LOUPE_DATASETS).
"""
from __future__ import annotations

import csv
import io
import math
import os
import pickle
import re
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image, ImageFilter

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
DATASETS = os.environ.get("LOUPE_DATASETS", os.path.join(REPO, "..", "shared", "datasets"))
CACHE = os.environ.get("LOUPE_CACHE", os.path.join(HERE, ".cache"))
SEED = 1234

# --- Preprocessing spec (mirrored exactly in lib/detection/ml/preprocess.ts) -----------------------
# The model sees the engine's `analysis` image: sRGB, 3 channels, alpha flattened on white, longest
# side <= 1024 (never upscaled). Patches of PATCH x PATCH are cut on a grid of at most MAX_PER_SIDE
# positions per axis; tensor value = byte / 255, RGB, NCHW, float32.
PATCH = int(os.environ.get("LOUPE_PATCH", "64"))
STRIDE = PATCH
# 6 x 6 patches of 64: as accurate as 8 x 8 on train and dev (model card, "Why a 6 x 6 grid") at 44 %
# less inference. <= 147,456 patch pixels per image whatever the patch size.
MAX_PER_SIDE = 384 // PATCH


def set_patch(p: int) -> None:
    """Use the patch size a checkpoint was trained with (evaluate/export read it from the checkpoint)."""
    global PATCH, STRIDE, MAX_PER_SIDE
    PATCH, STRIDE, MAX_PER_SIDE = p, p, 384 // p
ANALYSIS_MAX_SIDE = 1024


def axis_positions(length: int) -> list[int]:
    """Patch origins along one axis. Integer arithmetic only, so TS and Python agree exactly."""
    if length <= PATCH:
        return [0]
    n = min(MAX_PER_SIDE, -(-(length - PATCH) // STRIDE) + 1)  # ceil division
    if n == 1:
        return [(length - PATCH) // 2]
    return [(i * (length - PATCH)) // (n - 1) for i in range(n)]


def pad_to_patch(img: np.ndarray) -> np.ndarray:
    """Images smaller than a patch are padded at the bottom/right by edge replication."""
    h, w = img.shape[:2]
    if h >= PATCH and w >= PATCH:
        return img
    return np.pad(img, ((0, max(0, PATCH - h)), (0, max(0, PATCH - w)), (0, 0)), mode="edge")


def grid_patches(img: np.ndarray) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """HxWx3 uint8 -> (N,3,P,P) float32 and the (x, y) origins, row-major (y outer, x inner)."""
    img = pad_to_patch(img)
    h, w = img.shape[:2]
    xs, ys = axis_positions(w), axis_positions(h)
    out = np.empty((len(xs) * len(ys), 3, PATCH, PATCH), dtype=np.float32)
    pos = []
    k = 0
    for y in ys:
        for x in xs:
            out[k] = img[y : y + PATCH, x : x + PATCH].transpose(2, 0, 1).astype(np.float32) / 255.0
            pos.append((x, y))
            k += 1
    return out, pos


# --- Model -----------------------------------------------------------------------------------------
class ResidualCNN(nn.Module):
    """Small CNN on fixed high-pass residuals of a 64x64 RGB patch -> one logit.

    The fixed front end (per channel: 3x3 "pixel minus mean of 8 neighbours" and the 5x5 KV filter of
    the SRM rich model, Fridrich & Kodovsky 2012) removes most image content, so the learned layers
    see noise/interpolation traces rather than what is depicted.
    """

    def __init__(self, width: int = 16, patch: int = 64):
        super().__init__()
        k3 = np.array([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]], dtype=np.float32) / 8.0
        kv = np.array(
            [[-1, 2, -2, 2, -1], [2, -6, 8, -6, 2], [-2, 8, -12, 8, -2], [2, -6, 8, -6, 2], [-1, 2, -2, 2, -1]],
            dtype=np.float32,
        ) / 12.0
        # grouped conv (groups=3): outputs 2c and 2c+1 are the two filters on input channel c
        w = np.zeros((6, 1, 5, 5), dtype=np.float32)
        for c in range(3):
            w[2 * c, 0, 1:4, 1:4] = k3
            w[2 * c + 1, 0] = kv
        # x255 so the residual is in grey levels (unit-ish scale for the first learned layer).
        self.register_buffer("hp", torch.from_numpy(w * 255.0 / 4.0))
        # 64 px patch: 60 -> 58 -> 28 -> 13 -> 6; each doubling of the patch adds one stride-2 layer.
        chans = [width, 2 * width, 3 * width, 4 * width]
        layers = [nn.Conv2d(6, chans[0], 3, bias=False), nn.BatchNorm2d(chans[0]), nn.ReLU(inplace=True)]
        n_down = 3 + max(0, int(round(math.log2(patch / 64))))
        cin = chans[0]
        for i in range(n_down):
            cout = chans[min(i + 1, len(chans) - 1)]
            layers += [nn.Conv2d(cin, cout, 3, stride=2, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]
            cin = cout
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(cin, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        r = F.conv2d(x, self.hp, groups=3)  # 60x60, valid
        r = torch.clamp(r, -8.0, 8.0)  # truncation as in SRM: large residuals are edges, not noise
        f = self.body(r).mean(dim=(2, 3))
        return self.head(f).squeeze(1)


# --- Data ------------------------------------------------------------------------------------------
@dataclass
class Item:
    key: str  # path (+ #tile)
    path: str
    label: int  # 1 = ai
    split: str
    source: str
    generator: str
    group: str
    file_format: str  # format of the file as stored in the dataset
    lossy: bool  # whether the stored pixels went through lossy compression
    file_bytes: int
    file_w: int
    file_h: int
    jpeg_quality: float  # estimated from quantisation tables, 0 when not JPEG
    tile: int = -1
    img: np.ndarray = field(default=None, repr=False)  # HxWx3 uint8 analysis image


def flatten_rgb(im: Image.Image) -> Image.Image:
    """sRGB 3 channels, alpha flattened on white (as the engine's decode does)."""
    if im.mode in ("RGBA", "LA") or (im.mode == "P" and "transparency" in im.info):
        im = im.convert("RGBA")
        bg = Image.new("RGBA", im.size, (255, 255, 255, 255))
        bg.alpha_composite(im)
        return bg.convert("RGB")
    return im.convert("RGB")


def cap_side(im: Image.Image, max_side: int = ANALYSIS_MAX_SIDE) -> Image.Image:
    w, h = im.size
    s = max(w, h)
    if s <= max_side:
        return im
    f = max_side / s
    return im.resize((max(1, round(w * f)), max(1, round(h * f))), Image.LANCZOS)


def jpeg_quality_estimate(im: Image.Image) -> float:
    """libjpeg-style quality estimate from the luminance quantisation table (0 if not JPEG)."""
    q = getattr(im, "quantization", None)
    if not q:
        return 0.0
    std = np.array([16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
                    14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
                    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99], dtype=np.float64)
    # the mean ratio does not depend on the table's coefficient order
    t = np.array(q[0], dtype=np.float64)
    scale = float(np.mean(t) / np.mean(std)) * 100.0
    quality = (200.0 - scale) / 2.0 if scale <= 100.0 else 5000.0 / scale
    return float(np.clip(quality, 1.0, 100.0))


def group_of(path: str, source: str) -> str:
    base = os.path.basename(path)
    m = re.search(r"case\d+", base)
    return f"{source}:{m.group(0)}" if m else f"{source}:{base}"


def load_split(split: str) -> list[Item]:
    """Decoded, tiled analysis images for one split, cached under .cache/."""
    os.makedirs(CACHE, exist_ok=True)
    cp = os.path.join(CACHE, f"{split}.pkl")
    if os.path.exists(cp):
        with open(cp, "rb") as f:
            return pickle.load(f)
    items: list[Item] = []
    with open(os.path.join(DATASETS, "labels.csv")) as f:
        rows = [r for r in csv.DictReader(f) if r["split"] == split]
    for r in rows:
        p = os.path.join(DATASETS, r["path"])
        im = Image.open(p)
        fmt = (im.format or "").lower()
        lossy = fmt in ("jpeg", "mpo") or (fmt == "webp" and "lossless" not in r["transform"] and r["orig_format"] != "PNG")
        base = dict(path=r["path"], label=1 if r["label"] == "ai" else 0, split=split, source=r["source"],
                    generator=r["generator"], group=group_of(r["path"], r["source"]), file_format=fmt, lossy=lossy,
                    file_bytes=os.path.getsize(p), file_w=im.size[0], file_h=im.size[1],
                    jpeg_quality=jpeg_quality_estimate(im))
        rgb = flatten_rgb(im)
        if r["source"] == "supagruen-sd-cheatsheet":
            # 2x2 grid of independent 512^2 generations: never treat the mosaic as one image
            w, h = rgb.size
            tw, th = w // 2, h // 2
            for t in range(4):
                tx, ty = (t % 2) * tw, (t // 2) * th
                tile = rgb.crop((tx, ty, tx + tw, ty + th))
                items.append(Item(key=f"{r['path']}#{t}", tile=t, img=np.asarray(cap_side(tile)).copy(), **base))
        else:
            items.append(Item(key=r["path"], img=np.asarray(cap_side(rgb)).copy(), **base))
    with open(cp, "wb") as f:
        pickle.dump(items, f, protocol=4)
    return items


# --- The randomised pipeline (applied identically to both classes) ---------------------------------
def jpeg(img: Image.Image, q: int) -> Image.Image:
    b = io.BytesIO()
    img.save(b, format="JPEG", quality=int(q))
    b.seek(0)
    return Image.open(b).convert("RGB")


RESAMPLERS = [Image.BILINEAR, Image.BICUBIC, Image.LANCZOS, Image.BOX]


def random_view(item: Item, rng: np.random.Generator, crop: int = 192) -> np.ndarray:
    """One randomised view: compression-history equalisation, random downscale, random crop to a
    common size, mild blur, JPEG(60..100)-or-lossless re-encode, horizontal flip.

    Compression-history equalisation: real photos arrive JPEG-compressed, most AI files lossless, so
    any file whose stored pixels were never lossy-compressed is JPEG-compressed first with p=0.5
    (whatever its label). Without it "has old 8x8 JPEG traces" would separate the classes.
    """
    im = Image.fromarray(item.img)
    if not item.lossy and rng.random() < 0.5:
        im = jpeg(im, int(rng.integers(70, 99)))
    w, h = im.size
    min_s = crop / min(w, h)
    if rng.random() < 0.6 and min_s < 1.0:
        s = float(rng.uniform(max(0.5, min_s), 1.0))
        im = im.resize((max(crop, round(w * s)), max(crop, round(h * s))), RESAMPLERS[int(rng.integers(0, 4))])
    w, h = im.size
    cw, ch = min(crop, w), min(crop, h)
    x0, y0 = int(rng.integers(0, w - cw + 1)), int(rng.integers(0, h - ch + 1))
    im = im.crop((x0, y0, x0 + cw, y0 + ch))
    if rng.random() < 0.15:
        im = im.filter(ImageFilter.GaussianBlur(radius=float(rng.uniform(0.3, 1.0))))
    if rng.random() < 0.6:
        im = jpeg(im, int(rng.integers(60, 101)))
    a = np.asarray(im)
    if rng.random() < 0.5:
        a = a[:, ::-1]
    return np.ascontiguousarray(pad_to_patch(a))


def random_patches(view: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    h, w = view.shape[:2]
    out = np.empty((k, 3, PATCH, PATCH), dtype=np.float32)
    for i in range(k):
        y, x = int(rng.integers(0, h - PATCH + 1)), int(rng.integers(0, w - PATCH + 1))
        out[i] = view[y : y + PATCH, x : x + PATCH].transpose(2, 0, 1) / 255.0
    return out


def sample_weights(items: list[Item]) -> np.ndarray:
    """Each class gets half the mass; inside a class a source gets mass ~ sqrt(its size), so the
    760 SD tiles do not drown the photoreal minority sources."""
    from collections import Counter

    cnt = Counter((it.label, it.source) for it in items)
    w = np.array([1.0 / math.sqrt(cnt[(it.label, it.source)]) for it in items])
    for lab in (0, 1):
        m = np.array([it.label == lab for it in items])
        w[m] *= 0.5 / w[m].sum()
    return w / w.sum()


# --- Evaluation conditions -------------------------------------------------------------------------
CONDITIONS = ["as_is", "matched_jpeg90", "jpeg75", "resize0.5"]


MATCHED_SIDE = 320  # the smallest side in dev


def centre_crop(img: np.ndarray, side: int) -> np.ndarray:
    h, w = img.shape[:2]
    y0, x0 = max(0, (h - side) // 2), max(0, (w - side) // 2)
    return img[y0 : y0 + side, x0 : x0 + side]


def condition_image(img: np.ndarray, cond: str) -> np.ndarray:
    """as_is: the dev file as decoded. matched_jpeg90: the format- and size-matched evaluation, every
    image centre-cropped to 320x320 and re-encoded identically (JPEG q90), so neither format,
    compression nor dimensions carry label information. jpeg75: JPEG q75. resize0.5: half size
    (Lanczos), lossless."""
    if cond == "as_is":
        return img
    im = Image.fromarray(img)
    if cond == "matched_jpeg90":
        return np.asarray(jpeg(Image.fromarray(np.ascontiguousarray(centre_crop(img, MATCHED_SIDE))), 90))
    if cond == "jpeg75":
        return np.asarray(jpeg(im, 75))
    if cond == "resize0.5":
        w, h = im.size
        return np.asarray(im.resize((max(1, round(w / 2)), max(1, round(h / 2))), Image.LANCZOS))
    raise ValueError(cond)


def condition_file_features(item: Item, cond: str) -> dict:
    """What the file-level shortcut baseline sees for an item under a condition."""
    if cond == "as_is":
        return dict(fmt=item.file_format, w=item.file_w, h=item.file_h, bytes=item.file_bytes, q=item.jpeg_quality)
    img = condition_image(item.img, cond)
    im = Image.fromarray(img)
    b = io.BytesIO()
    if cond == "resize0.5":
        im.save(b, format="PNG")
        return dict(fmt="png", w=im.size[0], h=im.size[1], bytes=len(b.getvalue()), q=0.0)
    q = 90 if cond == "matched_jpeg90" else 75
    im.save(b, format="JPEG", quality=q)
    b.seek(0)
    return dict(fmt="jpeg", w=im.size[0], h=im.size[1], bytes=len(b.getvalue()),
                q=jpeg_quality_estimate(Image.open(b)))


def dev_halves(items: list[Item]) -> np.ndarray:
    """Deterministic split of dev into half A (calibration, design selection) and B (reported),
    grouped (tiles of a grid and files of a case stay together), stratified by source."""
    rng = np.random.default_rng(SEED)
    groups = sorted({(it.source, it.group) for it in items})
    by_src: dict[str, list[str]] = {}
    for s, g in groups:
        by_src.setdefault(s, []).append(g)
    in_a = set()
    for s in sorted(by_src):
        gs = by_src[s]
        perm = rng.permutation(len(gs))
        for j in perm[: len(gs) // 2]:
            in_a.add(gs[j])
    return np.array([it.group in in_a for it in items])


def seed_all(seed: int = SEED) -> None:
    torch.manual_seed(seed)
    np.random.seed(seed)
    torch.set_num_threads(int(os.environ.get("LOUPE_THREADS", "2")))
