"""Collector: image files of public GitHub repositories (git mirrors) -> a collector manifest for corpus.py merge.

    LOUPE_CORPUS=/work/corpus /usr/bin/python3 models/training/collect_repos.py [--only REPO ...] [--out NAME]

For every source in SOURCES it reads the mirror that corpus.find_mirror finds ($LOUPE_MIRRORS, /work/.mirror), takes the
files at the mirror's HEAD under the source's folders, keeps those that decode and are large enough, writes each to
$LOUPE_CORPUS/files/<sha256>.<ext> and a row to $LOUPE_CORPUS/manifests/<out>.csv (columns corpus.FIELDS). Then
`corpus.py merge` validates, de-duplicates (sha256 and perceptual hash) and writes data/manifest.csv.

Real photos are taken only at full resolution (longest side >= min_long, 1000 px by default): the corpus's real class
was mostly 300-530 px dataset images while the AI class is about 1024 px, a size shortcut (models/README.md). For real
photos the generator field is the camera (EXIF Make/Model) when the file carries one, and the family is then
camera-phone or camera-dslr by the make; a photo without EXIF keeps the source's family. A dark photo (mean luma of a
thumbnail < DARK_LUMA, e.g. concerts and night streets) goes to the low-light family.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import io
import os
import re
import subprocess
import sys

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import corpus  # noqa: E402

Image.MAX_IMAGE_PIXELS = None
DARK_LUMA = 50.0
PHONE_MAKES = re.compile(r"apple|google|samsung|huawei|xiaomi|oneplus|oppo|vivo|motorola|htc|nokia|lg |lge|sony mobile|"
                         r"realme|honor|^sm-|pixel|iphone|redmi", re.I)
# Camera makes whose bodies are phones only by model name (a Sony Xperia, an LG G-series) are rare here; a make
# that is not a phone make counts as a dedicated camera (DSLR, mirrorless, compact, drone).


def S(repo, include, label, family, generator, context, licence=None, exclude=None, min_long=None, gen_of=None):
    return {"repo": repo, "include": include, "label": label, "family": family, "generator": generator,
            "context": context, "licence": licence, "exclude": exclude, "gen_of": gen_of,
            "min_long": (1000 if label == "real" else 0) if min_long is None else min_long}


def _infinity(path: str) -> str:
    # assets/2b_20b/<n>l.jpg vs <n>r.jpg: the README's side-by-side comparison, left the 2B model, right the larger one
    big = "20B" if "2b_20b" in path else "8B"
    return "Infinity-2B" if re.search(r"\dl\.\w+$", path) else f"Infinity-{big}"


PORTFOLIO = "photography portfolio (web-sized originals)"
SOURCES = [
    # --- real, full resolution ------------------------------------------------------------------------------
    S("paussaanz/photography-portfolio", ["public/images/hi/"], "real", "other-photo", "portfolio photo",
      "photography portfolio, full-size folder (concerts, sport, portraits, travel)"),
    S("hey-nicolasklein/photography-portfolio", ["public/images/"], "real", "other-photo", "portfolio photo",
      PORTFOLIO + ": stories, gallery"),
    S("TulkasAstaldo/That-Macro-Guy-Photo-Portfolio", ["public/images/"], "real", "camera-dslr", "Canon DSLR (macro)",
      "macro photography portfolio"),
    S("Mickgw/photography-portfolio", ["public/images/"], "real", "other-photo", "portfolio photo",
      "motorsport events and Swiss landscapes"),
    S("MaximMurphy/photography-portfolio", ["public/photos/"], "real", "other-photo", "portfolio photo",
      "travel photos (Ireland, Ohio, UK, California, ...)"),
    S("kalandjl/photography-portfolio", ["public/pictures/", "public/portraits/"], "real", "other-photo",
      "portfolio photo", "sports and portrait photography"),
    S("ThomasGerasis/photography-portfolio", ["Source/wp-content/themes/vasakos/assets/bg-img/"], "real", "other-photo",
      "portfolio photo", "portrait and fashion photography (WordPress theme backgrounds)"),
    S("tosia921/Lekawa-Photography-Portfolio", ["nextjs-frontend/public/images/"], "real", "other-photo",
      "portfolio photo", "portrait photography", exclude=r"logo|icon"),
    S("theHoracle/Photography-portfolio", [""], "real", "faces", "portfolio photo", "studio portrait photography",
      exclude=r"logo|icon"),
    S("leopoldblum/photo-portfolio", ["design-mockups/photos/"], "real", "other-photo", "portfolio photo",
      "photographer's portfolio photos"),
    S("godbehere/photo-portfolio", ["public/images/", "public/portfolio/"], "real", "other-photo", "portfolio photo",
      "photographer's portfolio photos"),
    S("Adrianval96/photography-portfolio-2025", [""], "real", "other-photo", "portfolio photo", PORTFOLIO,
      exclude=r"logo|icon|favicon"),
    S("Vsingh70/Photography-Portfolio", [""], "real", "other-photo", "portfolio photo", PORTFOLIO,
      exclude=r"logo|icon|favicon"),
    S("zyeo/photography-portfolio", [""], "real", "other-photo", "portfolio photo", PORTFOLIO,
      exclude=r"logo|icon|favicon"),
    S("dragan-apostolski/photography-portfolio", [""], "real", "other-photo", "portfolio photo", PORTFOLIO,
      exclude=r"logo|icon|favicon"),
    S("MattiaPARRINELLO/photography-portfolio", [""], "real", "other-photo", "portfolio photo", PORTFOLIO,
      exclude=r"logo|icon|favicon"),
    S("GEEspinosa/GEEspinosa-photo-portfolio", ["public/images/"], "real", "other-photo", "portfolio photo",
      PORTFOLIO + " (black-and-white and colour street/landscape)"),
    S("DmytroPI-dev/photo-portfolio", ["src/images/", "public/images/", "build/images/"], "real", "camera-phone",
      "phone photo", "amateur photo portfolio (mostly Samsung Galaxy S20+ with EXIF)"),
    S("butzhang/photo-portfolio", ["public/photos/"], "real", "camera-dslr", "compact / rangefinder camera",
      "street photography (Ricoh GR III, Leica M11)"),
    S("immacdonald/photo-portfolio", ["src/assets/images/works/"], "real", "scans", "film scan (Epson Perfection)",
      "black-and-white film photographs scanned on a flatbed"),
    S("lucavgobbi/photo-portfolio", ["public/images/"], "real", "camera-dslr", "Canon EOS Rebel T3i", PORTFOLIO),
    S("acm-sp85/photo-portfolio", ["public/"], "real", "camera-dslr", "Canon EOS 5D", PORTFOLIO,
      exclude=r"logo|icon|favicon"),
    S("Fady7618/Photography-Portfolio", ["public/wedding/", "public/events/"], "real", "other-photo",
      "portfolio photo", "wedding and event photography"),
    S("tomsaleeba/test-data-site", ["originals/"], "real", "camera-phone", "phone/camera original",
      "web-app test photos with EXIF (originals only; generated/ are resizes)"),
    S("openMVG/ImageDataset_SceauxCastle", ["images/"], "real", "camera-dslr", "Kodak compact camera",
      "SfM dataset (Sceaux castle), full-size camera JPEGs"),
    S("cdcseacave/openMVS_sample", ["images/"], "real", "camera-dslr", "compact camera",
      "MVS sample dataset, full-size camera JPEGs"),
    S("alicevision/dataset_buddha", ["buddha/"], "real", "camera-dslr", "camera (PNG frames)",
      "photogrammetry dataset (statue), lossless PNG"),
    S("magicleap/SuperGluePretrainedNetwork", ["assets/scannet_sample_images/"], "real", "other-photo",
      "ScanNet RGB-D camera frame", "indoor scenes (ScanNet sample frames)"),
    S("magicleap/SuperGluePretrainedNetwork", ["assets/phototourism_sample_images/"], "real", "other-photo",
      "Flickr photo (Photo Tourism)", "landmark photos by many Flickr users and cameras", min_long=960),
    S("zju3dv/LoFTR", ["assets/"], "real", "other-photo", "Flickr / ScanNet photo",
      "image-matching demo pairs (landmarks, indoor)", min_long=960),
    S("cvg/Hierarchical-Localization", ["datasets/sacre_coeur/"], "real", "other-photo", "Flickr photo (Photo Tourism)",
      "landmark photos by many Flickr users and cameras", min_long=960),
    S("cvg/LightGlue", ["assets/sacre", "assets/DSC_"], "real", "other-photo", "Flickr / camera photo",
      "image-matching demo pairs", min_long=960),
    # --- AI ------------------------------------------------------------------------------------------------------
    S("yukittm/midjourney-explore", ["automation/assets/"], "ai", "midjourney", "Midjourney (v7 era, 2026)",
      "Midjourney outputs posted by an Instagram automation project"),
    S("ruifengzhaomail/Awesome-Nano-Banana-Guides-and-Images", ["images/"], "ai", "gemini",
      "Gemini 2.5 Flash Image (Nano Banana)", "Nano Banana edit outputs (inputs excluded)",
      exclude=r"(^|/)(input|case)[^/]*$"),
    S("FoundationVision/Infinity", ["assets/2b_20b/", "assets/2b_8b/"], "ai", "autoregressive", "Infinity",
      "Infinity (bitwise autoregressive) README samples", gen_of=_infinity),
]


def licence_of(gd: str, commit: str) -> str:
    names = subprocess.run(["git", "--git-dir", gd, "ls-tree", "--name-only", commit], capture_output=True,
                           text=True).stdout.split()
    lic = [n for n in names if re.match(r"(?i)^(licen[cs]e|copying)(\.|$)", n)]
    if not lic:
        return "unstated"
    text = subprocess.run(["git", "--git-dir", gd, "cat-file", "-p", f"{commit}:{lic[0]}"], capture_output=True,
                          ).stdout[:3000].decode("utf-8", "replace")
    for pat, name in [(r"MIT License|Permission is hereby granted, free of charge", "MIT"),
                      (r"Apache License", "Apache-2.0"), (r"GNU GENERAL PUBLIC LICENSE\s+Version 3", "GPL-3.0"),
                      (r"GNU AFFERO", "AGPL-3.0"), (r"BSD 3-Clause|Redistribution and use in source and binary", "BSD"),
                      (r"CC0|Creative Commons Zero", "CC0-1.0"), (r"Attribution-NonCommercial", "CC BY-NC"),
                      (r"Attribution 4\.0", "CC BY 4.0"), (r"Mozilla Public License", "MPL-2.0"),
                      (r"The Unlicense|unlicense\.org", "Unlicense")]:
        if re.search(pat, text):
            return f"{name} ({lic[0]})"
    return f"see {lic[0]}"


def camera(im: Image.Image) -> tuple[str, str] | None:
    """(generator, family) from EXIF Make/Model, or None without them."""
    try:
        ex = im.getexif()
    except Exception:  # noqa: BLE001 - broken EXIF is no camera
        return None
    make = str(ex.get(271) or "").strip().strip("\x00")
    model = str(ex.get(272) or "").strip().strip("\x00")
    if not make and not model:
        return None
    gen = model if make and model.lower().startswith(make.split()[0].lower()) else f"{make} {model}".strip()
    if re.search(r"noritsu|frontier|scanner|scan|perfection v\d", f"{make} {model}", re.I):
        return gen[:80], "scans"  # film scanners (Noritsu, Fuji Frontier) write their own Make/Model
    fam = "camera-phone" if PHONE_MAKES.search(make) or PHONE_MAKES.search(model) else "camera-dslr"
    return gen[:80], fam


def mean_luma(im: Image.Image) -> float:
    t = im.convert("L")
    t.thumbnail((128, 128))
    return float(np.asarray(t, dtype=np.float32).mean())


def collect(src: dict, files_dir: str) -> tuple[list[dict], dict]:
    repo = src["repo"]
    gd = corpus.find_mirror(repo)
    if gd is None:
        return [], {"repo": repo, "error": "no mirror"}
    commit = corpus.git(gd, "rev-parse", "HEAD").stdout.decode().strip()
    lic = src["licence"] or licence_of(gd, commit)
    ls = corpus.git(gd, "ls-tree", "-r", "--name-only", "-z", commit).stdout.decode().split("\0")
    ex = re.compile(src["exclude"], re.I) if src["exclude"] else None
    paths = [p for p in ls if p and corpus.ext_of(p) in corpus.EXTS and any(p.startswith(i) for i in src["include"])
             and not (ex and ex.search(p)) and not corpus.is_reserved_path(p)]
    rows, stats = [], {"repo": repo, "commit": commit, "candidates": len(paths), "missing": 0, "undecodable": 0,
                       "small": 0, "kept": 0}
    for spec, data in corpus.cat_blobs(gd, [f"{commit}:{p}" for p in paths]):
        path = spec.split(":", 1)[1]
        if data is None:
            stats["missing"] += 1  # snapshots lack files >= 4 MiB and LFS content
            continue
        try:
            im = Image.open(io.BytesIO(data))
            im.load()
        except Exception:  # noqa: BLE001 - LFS pointer, truncated or unsupported file
            stats["undecodable"] += 1
            continue
        w, h = im.size
        if max(w, h) < src["min_long"] or min(w, h) < corpus.MIN_SIDE:
            stats["small"] += 1
            continue
        sha = hashlib.sha256(data).hexdigest()
        gen, fam = (src["gen_of"](path) if src["gen_of"] else src["generator"]), src["family"]
        if src["label"] == "real":
            cam = camera(im)
            if cam:
                gen, fam = cam
            if mean_luma(im) < DARK_LUMA:
                fam = "low-light"
        fp = os.path.join(files_dir, f"{sha}.{corpus.ext_of(path)}")
        if not os.path.exists(fp):
            with open(fp + ".part", "wb") as f:
                f.write(data)
            os.replace(fp + ".part", fp)
        rows.append({"repo": repo, "commit": commit, "path": path, "sha256": sha, "label": src["label"],
                     "generator": gen, "family": fam, "licence": lic, "context": f"{src['context']} ({w}x{h})"})
        stats["kept"] += 1
    return rows, stats


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=corpus.default_corpus())
    ap.add_argument("--out", default="repos", help="manifest name: <corpus>/manifests/<out>.csv")
    ap.add_argument("--only", nargs="*", help="collect only these repositories")
    a = ap.parse_args(argv)
    files_dir = os.path.join(a.corpus, "files")
    os.makedirs(files_dir, exist_ok=True)
    os.makedirs(os.path.join(a.corpus, "manifests"), exist_ok=True)
    out, failed = [], []
    for src in SOURCES:
        if a.only and src["repo"] not in a.only:
            continue
        if corpus.is_reserved_repo(src["repo"]):
            print(f"refusing reserved repository {src['repo']}", file=sys.stderr)
            return 2
        rows, st = collect(src, files_dir)
        print(st, flush=True)
        if "error" in st:
            failed.append(st)
        out += rows
    path = os.path.join(a.corpus, "manifests", f"{a.out}.csv")
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=corpus.FIELDS, lineterminator="\n")
        w.writeheader()
        for r in sorted(out, key=corpus.sort_key):
            w.writerow(r)
    print(f"wrote {path}: {len(out)} rows ({sum(r['label'] == 'ai' for r in out)} ai, "
          f"{sum(r['label'] == 'real' for r in out)} real); sources without a mirror: {[s['repo'] for s in failed]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
