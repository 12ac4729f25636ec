"""Loupe's reproducible training corpus: manifest, rebuild from git, statistics, balancing.

The corpus is a set of image files from public GitHub repositories. Images are never committed to this
repository; `models/training/data/manifest.csv` records every file (repo, commit, path, sha256, label,
generator, family, licence, context) and `build` rebuilds the files on disk from git and verifies each
sha256. `../shared/datasets` stays a separate source (see common.load_split and corpus_data.py).

    /usr/bin/python3 models/training/corpus.py merge [--manifests DIR] [--files DIR] [--hamming 4]
    /usr/bin/python3 models/training/corpus.py build [--corpus DIR] [--jobs N]
    /usr/bin/python3 models/training/corpus.py stats [--per-label N]
    /usr/bin/python3 models/training/corpus.py check          # reserved / format check of manifest.csv only

merge  combines the collectors' manifests (default /work/corpus/manifests/*.csv, i.e. $LOUPE_CORPUS/manifests),
       validates every row, refuses (exit 2) if any row names a reserved repository, drops rows whose folder
       names a reserved image set, de-duplicates by sha256 and by perceptual hash (pHash and dHash, both within
       a small Hamming distance; the first row in manifest order is kept, a near-duplicate pair with different
       labels drops both) within the corpus and against ../shared/datasets, and writes manifest.csv sorted by
       (repo, commit, path). The report goes to stdout and data/merge_report.json.
build  writes <corpus>/files/<sha256>.<ext> for every manifest row, from a git mirror under /work/.mirror
       when one holds the commit, else from a blob-less `git clone` of https://github.com/<repo> (sparse
       checkout of the needed paths at the commit). Resumable: files already present with the right hash
       are skipped. Reports missing and mismatched files; exit 1 if any.
stats  prints the corpus table (markdown, for the model card) and per-source counts after sqrt balancing.

The corpus directory defaults to $LOUPE_CORPUS or ../corpus next to the repository (files under files/).
"""
from __future__ import annotations

import argparse
import csv
import glob
import hashlib
import io
import json
import math
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
DATA = os.path.join(HERE, "data")
MANIFEST = os.path.join(DATA, "manifest.csv")
RESERVED_JSON = os.path.join(DATA, "reserved.json")
CACHE = os.environ.get("LOUPE_CACHE", os.path.join(HERE, ".cache"))
CORPUS = os.environ.get("LOUPE_CORPUS", os.path.abspath(os.path.join(REPO, "..", "corpus")))
DATASETS = os.environ.get("LOUPE_DATASETS", os.path.abspath(os.path.join(REPO, "..", "shared", "datasets")))
MIRRORS = os.environ.get("LOUPE_MIRRORS", "/work/.mirror")
GIT_BASE = os.environ.get("LOUPE_GIT_BASE", "https://github.com/")  # clone source when no mirror holds a commit

FIELDS = ["repo", "commit", "path", "sha256", "label", "generator", "family", "licence", "context"]

# Loupe's independent held-out evaluation: never download, train on or select with these (issue #11).
# Mirrored in data/reserved.json, which the TypeScript test manifest.test.ts reads; `merge` rewrites that
# file from this constant, and `check` (and test_corpus.py) fail when they disagree.
RESERVED_REPOS = [
    "Telecommunication-Telemedia-Assessment/avt_ai_images",
    "comfyanonymous/ComfyUI_examples",
    "declan-wright/Image-Dataset",
    "necenzurat/ai-image-filter",
    "Evolink-AI/awesome-seedream-5-pro-guide-and-prompt",
    "openai/dalle-2-preview",
    "vladmandic/sdnext",
    "Kwai-Kolors/Kolors",
    "ZhuoxuanZhangHarry/AgeGAN-FaceEvolution",
    "clovaai/stargan-v2",
    "Li-Chongyi/Zero-DCE",
    "ianare/exif-samples",
    "MohamedBakrAli/Kodak-Lossless-True-Color-Image-Suite",
    "drewnoakes/metadata-extractor-images",
]
# Copies of reserved image sets elsewhere: the Kodak suite (kodim01..24), CelebA-HQ/AFHQ as shipped with
# StarGAN v2, the DICM/LIME/MEF low-light sets. A path component (folder or file stem) named like these is
# rejected. Written so that Python's re and JavaScript's RegExp read it the same way (flag i).
RESERVED_PATH_PATTERN = r"(^|/)(kodak[^/]*|kodim\d*[^/]*|dicm|lime|mef|afhq[^/]*|celeba[-_]?hq[^/]*)(/|\.[a-z0-9]+$|$)"
# Repositories that ../shared/datasets already uses: they stay a separate source, never in the manifest.
SHARED_REPOS = [
    "SupaGruen/StableDiffusion-CheatSheet", "jamez-bondos/awesome-gpt4o-images", "PicoTrex/Awesome-Nano-Banana-images",
    "ML72/AI-Image-Classifier-Playground", "EliSchwartz/imagenet-sample-images", "jbhuang0604/SelfExSR",
    "modelscope/facechain", "XLabs-AI/x-flux", "EvoLinkAI/awesome-ideogram-4.0-prompts", "lllyasviel/IC-Light",
    "serengil/deepface", "photoprism/photoprism", "TencentARC/PhotoMaker",
]
AI_FAMILIES = ["gan", "pixel-diffusion", "sd1", "sd2", "sdxl", "sd3", "flux", "dit-other", "midjourney", "dalle",
               "gpt-image", "gemini", "imagen", "ideogram", "firefly", "commercial-other", "autoregressive",
               "video-frame", "unknown-diffusion"]
REAL_FAMILIES = ["camera-phone", "camera-dslr", "benchmark-photo", "faces", "scans", "low-light",
                 "screenshot-recompressed", "products", "other-photo"]
EXTS = {"jpg", "jpeg", "png", "webp", "gif", "bmp", "tif", "tiff", "heic", "avif"}
MIN_SIDE = 128
HEX40 = re.compile(r"^[0-9a-f]{40}$")
HEX64 = re.compile(r"^[0-9a-f]{64}$")
REPO_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9_.-]+$")


def default_corpus() -> str:
    return CORPUS


def reserved_json() -> dict:
    return {
        "comment": "Loupe's held-out evaluation sources (issue #11). Generated from RESERVED_REPOS and "
                   "RESERVED_PATH_PATTERN in models/training/corpus.py; manifest.test.ts reads it. Match repos "
                   "case-insensitively; path_pattern with flag i.",
        "repositories": RESERVED_REPOS,
        "path_pattern": RESERVED_PATH_PATTERN,
    }


def write_reserved_json() -> None:
    os.makedirs(DATA, exist_ok=True)
    with open(RESERVED_JSON, "w") as f:
        json.dump(reserved_json(), f, indent=2)
        f.write("\n")


_RESERVED_LC = {r.lower() for r in RESERVED_REPOS}
_RESERVED_PATH = re.compile(RESERVED_PATH_PATTERN, re.I)
_SHARED_LC = {r.lower() for r in SHARED_REPOS}


def is_reserved_repo(repo: str) -> bool:
    return repo.strip().lower() in _RESERVED_LC


def is_reserved_path(path: str) -> bool:
    return bool(_RESERVED_PATH.search(path.strip()))


# --- manifests -----------------------------------------------------------------------------------------
def read_csv(path: str) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        r = csv.DictReader(f)
        missing = [c for c in FIELDS if c not in (r.fieldnames or [])]
        if missing:
            raise SystemExit(f"{path}: missing columns {missing}")
        return [{k: (row.get(k) or "").strip() for k in FIELDS} for row in r]


def read_manifest(path: str = MANIFEST) -> list[dict]:
    return read_csv(path)


def write_manifest(rows: list[dict], path: str = MANIFEST) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=FIELDS, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: r[k] for k in FIELDS})
    os.replace(tmp, path)


def sort_key(r: dict) -> tuple:
    return (r["repo"].lower(), r["commit"], r["path"], r["sha256"])


def ext_of(path: str) -> str:
    return os.path.splitext(path)[1].lower().lstrip(".")


def file_of(sha: str, path: str, files_dir: str) -> str:
    """<files_dir>/<sha256>.<ext of path> (PROTOCOL.md); a store that named a file by its real format
    (<sha256>.png for a .jpg path) is accepted too."""
    p = os.path.join(files_dir, f"{sha}.{ext_of(path)}")
    if not os.path.exists(p):
        alt = sorted(glob.glob(os.path.join(files_dir, f"{sha}.*")))
        alt = [x for x in alt if not x.endswith((".part", ".tmp"))]
        if alt:
            return alt[0]
    return p


def row_problem(r: dict) -> str | None:
    """Why a row is unusable (None if it is fine). Reserved repos are handled separately (refusal)."""
    if not REPO_RE.match(r["repo"]):
        return "bad repo"
    if not HEX40.match(r["commit"]):
        return "bad commit"
    if not r["path"] or r["path"].startswith("/") or ".." in r["path"].split("/"):
        return "bad path"
    if not HEX64.match(r["sha256"]):
        return "bad sha256"
    if r["label"] not in ("ai", "real"):
        return "bad label"
    if ext_of(r["path"]) not in EXTS:
        return "unsupported extension"
    return None


def normalise_row(r: dict) -> list[str]:
    """Fill empty descriptive fields so that no field is empty; returns what was filled."""
    filled = []
    defaults = {"generator": "unknown", "family": "unknown", "licence": "unstated",
                "context": os.path.dirname(r["path"]) or "(repo root)"}
    for k, v in defaults.items():
        if not r[k]:
            r[k] = v
            filled.append(k)
    r["context"] = r["context"].replace("\n", " ").replace("\r", " ")
    return filled


# --- perceptual hashes ---------------------------------------------------------------------------------
def _dct_matrix(n: int) -> np.ndarray:
    k = np.arange(n)[:, None]
    i = np.arange(n)[None, :]
    m = np.cos(np.pi * (2 * i + 1) * k / (2 * n)) * math.sqrt(2.0 / n)
    m[0] /= math.sqrt(2.0)
    return m


_D32 = _dct_matrix(32)


def _bits_to_int(bits: np.ndarray) -> int:
    v = 0
    for b in bits.ravel():
        v = (v << 1) | int(b)
    return v


def phash_dhash(im: Image.Image) -> tuple[int, int]:
    """64-bit pHash (32x32 grey, 2-D DCT, top-left 8x8 without DC against their median) and 64-bit
    dHash (9x8 grey, horizontal gradient signs)."""
    g = im.convert("L")
    a = np.asarray(g.resize((32, 32), Image.LANCZOS), dtype=np.float64)
    d = _D32 @ a @ _D32.T
    low = d[:8, :8].ravel()
    ac = low[1:]
    ph = _bits_to_int(low > np.median(ac))
    b = np.asarray(g.resize((9, 8), Image.LANCZOS), dtype=np.float64)
    dh = _bits_to_int(b[:, 1:] > b[:, :-1])
    return ph, dh


def webp_lossy(data: bytes) -> bool:
    """True if a WebP file holds a lossy (VP8) bitstream, False for lossless (VP8L)."""
    pos = 12
    while pos + 8 <= len(data):
        tag = data[pos:pos + 4]
        if tag == b"VP8 ":
            return True
        if tag == b"VP8L":
            return False
        size = int.from_bytes(data[pos + 4:pos + 8], "little")
        pos += 8 + size + (size & 1)
    return True


def image_info(path: str) -> dict:
    """Decode one file: perceptual hashes, size, format, whether the stored pixels are lossy."""
    with open(path, "rb") as f:
        data = f.read()
    im = Image.open(io.BytesIO(data))
    fmt = (im.format or "").lower()
    w, h = im.size
    frames = getattr(im, "n_frames", 1)
    if fmt == "jpeg":
        im.draft("RGB", (256, 256))  # hashes only need a thumbnail; DCT-domain scaling is fine for that
    from common import flatten_rgb  # same alpha handling as the training decode

    ph, dh = phash_dhash(flatten_rgb(im))
    lossy = fmt in ("jpeg", "mpo") or (fmt == "webp" and webp_lossy(data))
    return {"phash": f"{ph:016x}", "dhash": f"{dh:016x}", "w": w, "h": h, "format": fmt, "lossy": lossy,
            "frames": int(frames), "bytes": len(data)}


def load_info_cache() -> dict:
    p = os.path.join(CACHE, "image_info.json")
    if os.path.exists(p):
        with open(p) as f:
            return json.load(f)
    return {}


def header_info(path: str) -> dict:
    """Size, format and lossiness from the file's header and bytes, no pixel decode: what training and loso.py's
    shortcut baseline read from image_info, for a corpus that was rebuilt (`build`) rather than merged here, so
    merge's decode cache (image_info.json) is missing."""
    with open(path, "rb") as f:
        data = f.read()
    with Image.open(io.BytesIO(data)) as im:
        fmt = (im.format or "").lower()
        w, h = im.size
        frames = getattr(im, "n_frames", 1)
    lossy = fmt in ("jpeg", "mpo") or (fmt == "webp" and webp_lossy(data))
    return {"w": w, "h": h, "format": fmt, "lossy": lossy, "frames": int(frames), "bytes": len(data)}


HEADER_CACHE = os.path.join(CACHE, "header_info.json")


def load_header_cache() -> dict:
    """header_info by sha256 (corpus files) or 'shared:<path>' (../shared/datasets); separate from image_info.json,
    whose entries merge needs with their perceptual hashes."""
    if os.path.exists(HEADER_CACHE):
        with open(HEADER_CACHE) as f:
            return json.load(f)
    return {}


def save_header_cache(c: dict) -> None:
    os.makedirs(CACHE, exist_ok=True)
    tmp = f"{HEADER_CACHE}.{os.getpid()}.tmp"
    with open(tmp, "w") as f:
        json.dump(c, f)
    os.replace(tmp, HEADER_CACHE)


def save_info_cache(c: dict) -> None:
    os.makedirs(CACHE, exist_ok=True)
    p = os.path.join(CACHE, "image_info.json")
    with open(p + ".tmp", "w") as f:
        json.dump(c, f)
    os.replace(p + ".tmp", p)


def _popcount64(x: np.ndarray) -> np.ndarray:
    x = x.astype(np.uint64)
    out = np.zeros(x.shape, dtype=np.int64)
    for s in range(0, 64, 8):
        out += _POP8[((x >> np.uint64(s)) & np.uint64(0xFF)).astype(np.int64)]
    return out


_POP8 = np.array([bin(i).count("1") for i in range(256)], dtype=np.int64)


def near_duplicate_pairs(ph: np.ndarray, dh: np.ndarray, tp: int, td: int) -> list[tuple[int, int]]:
    """All pairs (i < j) with hamming(pHash) <= tp and hamming(dHash) <= td. Multi-index hashing on pHash:
    with tp + 1 disjoint bands, two hashes within tp bits agree exactly on at least one band."""
    n = len(ph)
    bands = tp + 1
    edges = [round(k * 64 / bands) for k in range(bands + 1)]
    cand: set[tuple[int, int]] = set()
    for b in range(bands):
        lo, hi = edges[b], edges[b + 1]
        mask = np.uint64((1 << (hi - lo)) - 1)
        keys = (ph >> np.uint64(lo)) & mask
        buckets: dict[int, list[int]] = defaultdict(list)
        for i, k in enumerate(keys.tolist()):
            buckets[k].append(i)
        for idx in buckets.values():
            if len(idx) < 2:
                continue
            ia = np.array(idx)
            for a_pos in range(len(ia)):
                i = ia[a_pos]
                rest = ia[a_pos + 1:]
                if len(rest) == 0:
                    continue
                dp = _popcount64(ph[rest] ^ ph[i])
                dd = _popcount64(dh[rest] ^ dh[i])
                for j in rest[(dp <= tp) & (dd <= td)]:
                    cand.add((int(min(i, j)), int(max(i, j))))
    return sorted(cand)


# --- shared datasets -----------------------------------------------------------------------------------
# ../shared/datasets sources -> LOSO source families (PROTOCOL.md family names).
SHARED_FAMILY = {
    ("ai", "supagruen-sd-cheatsheet"): "sd1",
    ("ai", "awesome-gpt4o-images"): "gpt-image",
    ("ai", "awesome-nano-banana-images"): "gemini",
    ("ai", "facechain"): "sd1",
    ("ai", "ic-light"): "sd1",
    ("ai", "ideogram4"): "ideogram",
    ("ai", "ml72-playground"): "unknown-diffusion",
    ("ai", "x-flux"): "flux",
    ("real", "deepface"): "faces",
    ("real", "imagenet-sample-images"): "benchmark-photo",
    ("real", "metadata-extractor-images"): "camera-dslr",
    ("real", "ml72-playground"): "other-photo",
    ("real", "photomaker"): "faces",
    ("real", "photoprism"): "other-photo",
    ("real", "selfexsr-sr-benchmarks"): "benchmark-photo",
}


def shared_family(label: str, source: str) -> str:
    """The LOSO family of a ../shared/datasets source (SHARED_FAMILY, else the label's catch-all)."""
    return SHARED_FAMILY.get((label, source), "unknown-diffusion" if label == "ai" else "other-photo")


def shared_rows(datasets: str = DATASETS) -> list[dict]:
    """../shared/datasets as manifest-like rows (repo = 'shared:<source>'), train and dev alike."""
    p = os.path.join(datasets, "labels.csv")
    if not os.path.exists(p):
        return []
    out = []
    with open(p) as f:
        for r in csv.DictReader(f):
            fam = shared_family(r["label"], r["source"])
            out.append({"repo": f"shared:{r['source']}", "commit": "-", "path": r["path"], "sha256": "-",
                        "label": r["label"], "generator": r["generator"], "family": fam, "licence": "see README",
                        "context": r["split"], "file": os.path.join(datasets, r["path"]),
                        "tiles": 4 if r["source"] == "supagruen-sd-cheatsheet" else 1})
    return out


# --- merge ---------------------------------------------------------------------------------------------
def cmd_merge(a) -> int:
    write_reserved_json()
    files_dir = a.files or os.path.join(a.corpus, "files")
    paths = sorted(glob.glob(os.path.join(a.manifests, "*.csv")))
    if not paths:
        print(f"no manifests in {a.manifests}", file=sys.stderr)
        return 1
    rows = []
    for p in paths:
        for r in read_csv(p):
            r["_from"] = os.path.basename(p)
            rows.append(r)
    report: dict = {"inputs": {os.path.basename(p): 0 for p in paths}, "rows_in": len(rows)}
    for r in rows:
        report["inputs"][r["_from"]] += 1

    reserved = [r for r in rows if is_reserved_repo(r["repo"])]
    if reserved:
        for r in reserved[:20]:
            print(f"RESERVED repository in {r['_from']}: {r['repo']} {r['path']}", file=sys.stderr)
        print(f"refusing: {len(reserved)} rows name reserved repositories; remove them from the input manifests",
              file=sys.stderr)
        return 2

    dropped: dict[str, list] = defaultdict(list)

    def drop(reason: str, r: dict, extra: str = "") -> None:
        dropped[reason].append(f"{r['repo']}:{r['path']}" + (f" ({extra})" if extra else ""))

    ok = []
    filled = Counter()
    for r in rows:
        r["sha256"] = r["sha256"].lower()
        prob = row_problem(r)
        if prob:
            drop(prob, r)
            continue
        if is_reserved_path(r["path"]):
            drop("reserved image set (path)", r)
            continue
        if r["repo"].lower() in _SHARED_LC:
            drop("repository already in ../shared/datasets", r)
            continue
        for k in normalise_row(r):
            filled[k] += 1
        fam_ok = AI_FAMILIES if r["label"] == "ai" else REAL_FAMILIES
        if r["family"] not in fam_ok:
            report.setdefault("unknown_families", Counter())[f"{r['label']}:{r['family']}"] += 1
        ok.append(r)
    ok.sort(key=sort_key)

    # exact duplicates
    seen: dict[str, dict] = {}
    uniq = []
    for r in ok:
        s = r["sha256"]
        if s in seen:
            if seen[s]["label"] != r["label"]:
                seen[s]["_conflict"] = True
            drop("duplicate sha256", r, f"kept {seen[s]['repo']}:{seen[s]['path']}")
            continue
        seen[s] = r
        uniq.append(r)
    for r in [r for r in uniq if r.get("_conflict")]:
        drop("sha256 with both labels", r)
    uniq = [r for r in uniq if not r.get("_conflict")]

    # files on disk: verify, decode, perceptual hash (cached by sha256)
    info = load_info_cache()
    have = []
    todo = 0
    for k, r in enumerate(uniq):
        fp = file_of(r["sha256"], r["path"], files_dir)
        if r["sha256"] not in info:
            if not os.path.exists(fp):
                drop("file missing from store", r, fp)
                continue
            with open(fp, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
            if digest != r["sha256"]:
                drop("stored file hash mismatch", r, digest[:12])
                continue
            try:
                info[r["sha256"]] = image_info(fp)
            except Exception as e:  # noqa: BLE001 - any decode failure means the row is unusable
                info[r["sha256"]] = {"error": f"{type(e).__name__}: {e}"[:200]}
            todo += 1
            if todo % 500 == 0:
                save_info_cache(info)
                print(f"  hashed {todo} new files ({k + 1}/{len(uniq)})", flush=True)
        meta = info[r["sha256"]]
        if "error" in meta:
            drop("undecodable", r, meta["error"])
            continue
        if min(meta["w"], meta["h"]) < MIN_SIDE:
            drop(f"short side < {MIN_SIDE}", r, f"{meta['w']}x{meta['h']}")
            continue
        have.append(r)
    save_info_cache(info)

    # perceptual near-duplicates: shared/datasets first (they win), then the corpus in manifest order
    shared = []
    if not a.no_shared:
        sinfo_p = os.path.join(CACHE, "shared_info.json")
        sinfo = json.load(open(sinfo_p)) if os.path.exists(sinfo_p) else {}
        for s in shared_rows(a.datasets):
            if s["path"] not in sinfo:
                try:
                    sinfo[s["path"]] = image_info(s["file"])
                except Exception as e:  # noqa: BLE001
                    sinfo[s["path"]] = {"error": str(e)[:200]}
            if "error" not in sinfo[s["path"]]:
                s["_info"] = sinfo[s["path"]]
                shared.append(s)
        with open(sinfo_p, "w") as f:
            json.dump(sinfo, f)
    allrows = shared + have
    metas = [s["_info"] for s in shared] + [info[r["sha256"]] for r in have]
    ph = np.array([int(m["phash"], 16) for m in metas], dtype=np.uint64)
    dh = np.array([int(m["dhash"], 16) for m in metas], dtype=np.uint64)
    pairs = near_duplicate_pairs(ph, dh, a.hamming, a.dhamming)
    ns = len(shared)
    # union-find over near-duplicate pairs; keep the first member of each cluster
    parent = list(range(len(allrows)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in pairs:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    clusters: dict[int, list[int]] = defaultdict(list)
    for i in range(len(allrows)):
        clusters[find(i)].append(i)
    keep = set()
    cross_repo = 0
    for root, mem in clusters.items():
        labels = {allrows[i]["label"] for i in mem}
        if len(labels) > 1:
            for i in mem:
                if i >= ns:
                    drop("near-duplicate with both labels", allrows[i])
            continue
        first = min(mem)
        keep.add(first)
        if len({allrows[i]["repo"] for i in mem}) > 1:
            cross_repo += 1
        for i in mem:
            if i != first and i >= ns:
                k = allrows[first]
                where = "shared/datasets" if first < ns else "corpus"
                drop(f"near-duplicate of {where}", allrows[i], f"kept {k['repo']}:{k['path']}")
    final = [allrows[i] for i in range(ns, len(allrows)) if i in keep]
    final.sort(key=sort_key)
    write_manifest(final)

    labs = Counter(r["label"] for r in final)
    report.update({
        "rows_valid": len(ok), "rows_out": len(final), "ai": labs["ai"], "real": labs["real"],
        "repos": len({r["repo"] for r in final}),
        "families": dict(sorted(Counter(f"{r['label']}:{r['family']}" for r in final).items())),
        "filled_empty_fields": dict(filled),
        "near_duplicate_pairs": len(pairs), "near_duplicate_clusters_across_repos": cross_repo,
        "hamming": {"phash": a.hamming, "dhash": a.dhamming},
        "dropped": {k: len(v) for k, v in sorted(dropped.items())},
        "dropped_examples": {k: v[:8] for k, v in sorted(dropped.items())},
    })
    if "unknown_families" in report:
        report["unknown_families"] = dict(report["unknown_families"])
    with open(os.path.join(DATA, "merge_report.json"), "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")
    with open(os.path.join(CACHE, "merge_dropped.json"), "w") as f:
        json.dump(dropped, f, indent=1)
    print(f"inputs: {report['inputs']} ({len(rows)} rows)")
    print(f"written {MANIFEST}: {len(final)} rows ({labs['ai']} ai, {labs['real']} real) from {report['repos']} repos")
    for k, v in sorted(dropped.items()):
        print(f"  dropped {len(v):5d}  {k}   e.g. {v[0]}")
    print(f"  near-duplicate pairs {len(pairs)} (pHash<={a.hamming}, dHash<={a.dhamming}); "
          f"clusters spanning repos {cross_repo}")
    if filled:
        print(f"  empty fields filled: {dict(filled)}")
    if report.get("unknown_families"):
        print(f"  families outside PROTOCOL.md: {report['unknown_families']}")
    print(f"full list of dropped rows: {os.path.join(CACHE, 'merge_dropped.json')}")
    return 0


# --- build ---------------------------------------------------------------------------------------------
def find_mirror(repo: str) -> str | None:
    base = os.path.join(MIRRORS, repo.replace("/", "+"))
    for g in (os.path.join(base, "repo", ".git"), os.path.join(base, "repo"), base):
        if os.path.isfile(os.path.join(g, "HEAD")) and os.path.isdir(os.path.join(g, "objects")):
            return g
    return None


def git(gd: str, *args: str, input: bytes | None = None, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "--git-dir", gd, *args], input=input, capture_output=True, check=check)


def has_commit(gd: str, commit: str) -> bool:
    return git(gd, "cat-file", "-e", f"{commit}^{{commit}}", check=False).returncode == 0


def clone_for(repo: str, commit: str, paths: list[str], work: str) -> str:
    """Blob-less clone of https://github.com/<repo> with only `paths` checked out at `commit`."""
    dest = os.path.join(work, repo.replace("/", "+"))
    gd = os.path.join(dest, ".git")
    if not os.path.isdir(gd):
        subprocess.run(["git", "clone", "--filter=blob:none", "--no-checkout", "--quiet",
                        GIT_BASE + repo, dest], check=True)
    if not has_commit(gd, commit):
        subprocess.run(["git", "-C", dest, "fetch", "--quiet", "--filter=blob:none", "origin", commit], check=True)
    subprocess.run(["git", "-C", dest, "sparse-checkout", "set", "--no-cone", "--stdin"],
                   input=("\n".join("/" + re.sub(r"([*?\[\\!#])", r"\\\1", p) for p in paths) + "\n").encode(),
                   check=True)
    subprocess.run(["git", "-C", dest, "checkout", "--quiet", "--detach", commit], check=True)
    return gd


def cat_blobs(gd: str, specs: list[str]):
    """Yield (spec, bytes or None) for '<commit>:<path>' specs with one `git cat-file --batch`."""
    p = subprocess.Popen(["git", "--git-dir", gd, "cat-file", "--batch"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE)
    try:
        for s in specs:
            p.stdin.write(s.encode() + b"\n")
            p.stdin.flush()
            head = p.stdout.readline().decode().rstrip("\n")
            if head.endswith(" missing") or head.endswith(" ambiguous"):
                yield s, None
                continue
            _, typ, size = head.rsplit(" ", 2)
            data = p.stdout.read(int(size))
            p.stdout.read(1)
            yield s, (data if typ == "blob" else None)
    finally:
        p.stdin.close()
        p.wait()


def sha_file(fp: str) -> str:
    h = hashlib.sha256()
    with open(fp, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


TILE_RE = re.compile(r"^tile c(\d+)r(\d+) of (\d+)x(\d+)")


def tile_of(r: dict) -> tuple[int, int, int, int] | None:
    """(col, row, cols, rows) when the row is one tile of a grid image (context 'tile cXrY of NxM')."""
    m = TILE_RE.match(r["context"])
    return tuple(int(g) for g in m.groups()) if m else None


def derive_tile(data: bytes, tile: tuple[int, int, int, int]) -> bytes:
    """The stored bytes of a tile row: the regular grid cell (col, row) of a cols x rows grid, PNG-encoded by
    Pillow with default settings (as the collector made it; other zlib builds may give other bytes)."""
    c, rr, nc, nr = tile
    im = Image.open(io.BytesIO(data))
    im.load()
    tw, th = im.size[0] // nc, im.size[1] // nr
    if im.mode not in ("RGB", "RGBA", "L"):
        im = im.convert("RGB")
    b = io.BytesIO()
    im.crop((c * tw, rr * th, c * tw + tw, rr * th + th)).save(b, "PNG")
    return b.getvalue()


def stored_ext(r: dict) -> str:
    return "png" if tile_of(r) else ext_of(r["path"])


def extract(gd: str, commit: str, rows: list[dict], files_dir: str) -> tuple[int, list[str], list[dict]]:
    """Write <sha256>.<ext> for rows found at <commit>:<path> in git dir gd, verifying sha256 (tile rows: of
    the derived PNG tile). Returns (written, mismatched, rows not found)."""
    by_spec: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_spec[f"{commit}:{r['path']}"].append(r)
    n, bad, left = 0, [], []
    for spec, data in cat_blobs(gd, list(by_spec)):
        for r in by_spec[spec]:
            if data is None:
                left.append(r)
                continue
            t = tile_of(r)
            out = data
            if t and hashlib.sha256(data).hexdigest() != r["sha256"]:
                try:
                    out = derive_tile(data, t)
                except Exception:  # noqa: BLE001
                    out = b""
            if hashlib.sha256(out).hexdigest() != r["sha256"]:
                bad.append(f"{r['repo']}:{r['path']}" + (" (tile)" if t else ""))
                continue
            fp = os.path.join(files_dir, f"{r['sha256']}.{stored_ext(r) if out is not data else ext_of(r['path'])}")
            with open(fp + ".part", "wb") as f:
                f.write(out)
            os.replace(fp + ".part", fp)
            n += 1
    return n, bad, left


def cmd_build(a) -> int:
    rows = read_manifest(a.manifest)
    files_dir = os.path.join(a.corpus, "files")
    os.makedirs(files_dir, exist_ok=True)
    work = os.path.join(a.corpus, ".git-cache")
    by_repo: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        by_repo[(r["repo"], r["commit"])].append(r)
    n_ok = n_skip = 0
    missing, mismatched, failed_repos = [], [], []
    for (repo, commit), rs in sorted(by_repo.items()):
        if is_reserved_repo(repo):
            print(f"refusing reserved repository {repo}", file=sys.stderr)
            return 2
        todo = []
        for r in rs:
            fp = file_of(r["sha256"], r["path"], files_dir)
            if os.path.exists(fp) and (a.trust_existing or sha_file(fp) == r["sha256"]):
                n_skip += 1
            else:
                todo.append(r)
        if not todo:
            continue
        left = todo
        gd = find_mirror(repo)
        if gd is not None and has_commit(gd, commit):
            got, bad, left = extract(gd, commit, left, files_dir)
            n_ok += got
            mismatched += bad
            print(f"{repo}@{commit[:10]}: {got} files from mirror {gd}"
                  + (f", {len(left)} not in it (snapshots lack files >= 4 MiB)" if left else ""), flush=True)
        if left and not a.offline:
            try:
                gd = clone_for(repo, commit, [r["path"] for r in left], work)
                got, bad, left = extract(gd, commit, left, files_dir)
                n_ok += got
                mismatched += bad
                print(f"{repo}@{commit[:10]}: {got} files from a clone of {GIT_BASE}{repo}", flush=True)
            except subprocess.CalledProcessError as e:
                failed_repos.append(f"{repo}@{commit[:10]} ({e})")
        elif left:
            failed_repos.append(f"{repo}@{commit[:10]} ({len(left)} files in no mirror; --offline)")
        missing += [f"{r['repo']}:{r['path']}" for r in left]
    print(f"corpus at {files_dir}: {n_ok} written, {n_skip} already present and verified, "
          f"{len(missing)} missing, {len(mismatched)} sha256 mismatches")
    for x in failed_repos:
        print(f"  repository unavailable: {x}")
    for x in missing[:30]:
        print(f"  missing: {x}")
    for x in mismatched[:30]:
        print(f"  mismatch: {x}")
    return 1 if (missing or mismatched) else 0


# --- balancing -----------------------------------------------------------------------------------------
def sqrt_quotas(sizes: dict, n: int) -> dict:
    """Split a budget of n draws over sources with quota ~ sqrt(size), never above a source's size
    (water-filling: what a small source cannot take goes to the others in the same proportion)."""
    quotas = {s: 0 for s in sizes}
    open_ = {s for s, v in sizes.items() if v > 0}
    left = min(n, sum(sizes.values()))
    while left > 0 and open_:
        tot = sum(math.sqrt(sizes[s]) for s in open_)
        share = {s: left * math.sqrt(sizes[s]) / tot for s in open_}
        capped = {s for s in open_ if quotas[s] + share[s] >= sizes[s]}
        if capped:
            for s in capped:
                left -= sizes[s] - quotas[s]
                quotas[s] = sizes[s]
            open_ -= capped
            continue
        # largest-remainder rounding, ties by name (deterministic)
        base = {s: int(math.floor(share[s])) for s in open_}
        rest = left - sum(base.values())
        order = sorted(open_, key=lambda s: (-(share[s] - base[s]), s))
        for s in order[:rest]:
            base[s] += 1
        for s in open_:
            quotas[s] += base[s]
        left = 0
    return quotas


def balanced_sample(rows: list, n_per_label: int, seed: int = 1234, source=lambda r: r["repo"],
                    label=lambda r: r["label"]) -> list:
    """Deterministic subsample: for each label n_per_label rows, split over sources (repos) ~ sqrt(size).
    Within a source the rows are a seeded random choice. Returns the rows in input order."""
    rng = np.random.default_rng(seed)
    chosen = set()
    for lab in sorted({label(r) for r in rows}):
        by_src: dict[str, list[int]] = defaultdict(list)
        for i, r in enumerate(rows):
            if label(r) == lab:
                by_src[source(r)].append(i)
        q = sqrt_quotas({s: len(v) for s, v in by_src.items()}, n_per_label)
        for s in sorted(by_src):
            idx = by_src[s]
            pick = rng.permutation(len(idx))[: q[s]]
            chosen.update(idx[j] for j in pick)
    return [r for i, r in enumerate(rows) if i in chosen]


def sqrt_weights(labels: list, sources: list) -> np.ndarray:
    """Per-item sampling weights: each label half the mass, inside a label each source mass ~ sqrt(size)
    (the same rule as common.sample_weights, for any item type)."""
    cnt = Counter(zip(labels, sources))
    w = np.array([1.0 / math.sqrt(cnt[(l, s)]) for l, s in zip(labels, sources)])
    labs = np.array(labels)
    uniq = sorted(set(labels))
    for lab in uniq:
        m = labs == lab
        w[m] *= (1.0 / len(uniq)) / w[m].sum()
    return w / w.sum()


# --- stats ---------------------------------------------------------------------------------------------
def cmd_stats(a) -> int:
    rows = read_manifest(a.manifest)
    fam: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        fam[(r["label"], r["family"])].append(r)
    print("| label | family | sources | files | generators / cameras | licences |")
    print("|---|---|---|---|---|---|")
    for (lab, f) in sorted(fam, key=lambda k: (k[0], k[1])):
        rs = fam[(lab, f)]
        gens = Counter(r["generator"] for r in rs)
        gtxt = ", ".join(g for g, _ in gens.most_common(4)) + (f" (+{len(gens) - 4})" if len(gens) > 4 else "")
        lic = sorted({r["licence"] for r in rs})
        ltxt = "; ".join(lic[:4]) + (f" (+{len(lic) - 4})" if len(lic) > 4 else "")
        print(f"| {lab} | {f} | {len({r['repo'] for r in rs})} | {len(rs)} | {gtxt} | {ltxt} |")
    labs = Counter(r["label"] for r in rows)
    print(f"| **ai total** | | **{len({r['repo'] for r in rows if r['label'] == 'ai'})}** | **{labs['ai']}** | "
          f"**{len({r['generator'] for r in rows if r['label'] == 'ai'})} generators** | |")
    print(f"| **real total** | | **{len({r['repo'] for r in rows if r['label'] == 'real'})}** | **{labs['real']}** | "
          f"**{len({r['family'] for r in rows if r['label'] == 'real'})} families** | |")
    print()
    n = a.per_label
    print(f"Per source: training sampling share (each class half the mass, a source ~ sqrt(its files), the rule of "
          f"sqrt_weights / corpus_data.balanced_weights) and a balanced subsample of {n} per label "
          f"(balanced_sample: quota ~ sqrt(files), capped at the source's size).")
    print()
    print("| label | source (repo) | families | licence | files | sampling share | balanced subsample |")
    print("|---|---|---|---|---|---|---|")
    for lab in sorted(labs):
        by_src = defaultdict(list)
        for r in rows:
            if r["label"] == lab:
                by_src[r["repo"]].append(r)
        q = sqrt_quotas({s: len(v) for s, v in by_src.items()}, n)
        tot = sum(math.sqrt(len(v)) for v in by_src.values())
        for s in sorted(by_src, key=lambda s: (-len(by_src[s]), s)):
            rs = by_src[s]
            fams = ", ".join(sorted({r["family"] for r in rs}))
            lic = "; ".join(sorted({r["licence"] for r in rs}))
            lic = lic if len(lic) <= 60 else lic[:57] + "..."
            print(f"| {lab} | {s} | {fams} | {lic} | {len(rs)} | {100.0 * math.sqrt(len(rs)) / tot:.1f}% | {q[s]} |")
    return 0


def cmd_check(a) -> int:
    rows = read_manifest(a.manifest)
    bad = []
    shas = Counter(r["sha256"] for r in rows)
    for i, r in enumerate(rows):
        if is_reserved_repo(r["repo"]):
            bad.append(f"row {i + 2}: reserved repository {r['repo']}")
        if is_reserved_path(r["path"]):
            bad.append(f"row {i + 2}: reserved image-set path {r['path']}")
        p = row_problem(r)
        if p:
            bad.append(f"row {i + 2}: {p}")
        if shas[r["sha256"]] > 1:
            bad.append(f"row {i + 2}: duplicate sha256")
        if any(not r[k] for k in FIELDS):
            bad.append(f"row {i + 2}: empty field")
    with open(RESERVED_JSON) as f:
        if json.load(f) != reserved_json():
            bad.append("data/reserved.json is out of sync with corpus.py (run merge)")
    for b in bad[:50]:
        print(b)
    print(f"{len(rows)} rows, {len(bad)} problems")
    return 1 if bad else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("merge", help="combine collector manifests into data/manifest.csv")
    m.add_argument("--corpus", default=default_corpus(), help="corpus dir (files under files/); $LOUPE_CORPUS")
    m.add_argument("--manifests", default=None, help="dir of input *.csv (default <corpus>/manifests)")
    m.add_argument("--files", default=None, help="dir of <sha256>.<ext> files (default <corpus>/files)")
    m.add_argument("--datasets", default=DATASETS, help="../shared/datasets, deduplicated against")
    m.add_argument("--no-shared", action="store_true", help="do not deduplicate against ../shared/datasets")
    m.add_argument("--hamming", type=int, default=4, help="max pHash Hamming distance of a near-duplicate")
    m.add_argument("--dhamming", type=int, default=10, help="max dHash Hamming distance of a near-duplicate")
    b = sub.add_parser("build", help="rebuild <corpus>/files from git and verify sha256")
    b.add_argument("--corpus", default=default_corpus())
    b.add_argument("--manifest", default=MANIFEST)
    b.add_argument("--offline", action="store_true", help="use git mirrors only, never clone")
    b.add_argument("--trust-existing", action="store_true", help="skip present files without re-hashing them")
    s = sub.add_parser("stats", help="markdown corpus table and balanced per-source counts")
    s.add_argument("--manifest", default=MANIFEST)
    s.add_argument("--per-label", type=int, default=2000, help="draws per label for the balanced-subsample column")
    c = sub.add_parser("check", help="validate data/manifest.csv (reserved repos, sha256, labels, empty fields)")
    c.add_argument("--manifest", default=MANIFEST)
    a = ap.parse_args(argv)
    if a.cmd == "merge" and a.manifests is None:
        a.manifests = os.path.join(a.corpus, "manifests")
    return {"merge": cmd_merge, "build": cmd_build, "stats": cmd_stats, "check": cmd_check}[a.cmd](a)


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    sys.exit(main())
