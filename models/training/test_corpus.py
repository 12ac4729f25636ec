"""Unit checks of corpus.py (no corpus needed):  /usr/bin/python3 -m unittest models/training/test_corpus.py"""
import json
import os
import sys
import unittest

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus as K  # noqa: E402


class CorpusTest(unittest.TestCase):
    def test_reserved_json_in_sync(self):
        with open(K.RESERVED_JSON) as f:
            self.assertEqual(json.load(f), K.reserved_json())

    def test_reserved(self):
        self.assertTrue(K.is_reserved_repo("ComfyAnonymous/comfyui_examples"))
        self.assertFalse(K.is_reserved_repo("comfyanonymous/ComfyUI"))
        for p in ["kodim01.png", "x/Kodak/1.png", "DICM/01.jpg", "LIME/1.bmp", "MEF/a.png", "afhq/cat/1.jpg",
                  "celeba_hq/f/1.jpg"]:
            self.assertTrue(K.is_reserved_path(p), p)
        for p in ["limestone.jpg", "sublime/x.png", "kodachrome.jpg", "mefisto/a.png"]:
            self.assertFalse(K.is_reserved_path(p), p)

    def test_sqrt_quotas(self):
        q = K.sqrt_quotas({"a": 10000, "b": 100, "c": 4}, 300)
        self.assertEqual(sum(q.values()), 300)
        self.assertEqual(q["c"], 4)
        self.assertAlmostEqual(q["a"] / q["b"], 10.0, delta=0.3)
        self.assertEqual(K.sqrt_quotas({"a": 5, "b": 3}, 100), {"a": 5, "b": 3})

    def test_balanced_sample_deterministic(self):
        rows = [{"repo": f"r{i % 3}", "label": "ai" if i % 2 else "real", "i": i} for i in range(300)]
        a = K.balanced_sample(rows, 40, seed=7)
        self.assertEqual(a, K.balanced_sample(rows, 40, seed=7))
        self.assertEqual(len(a), 80)

    def test_perceptual_near_duplicates(self):
        rng = np.random.default_rng(0)
        base = (rng.random((64, 64, 3)) * 255).astype(np.uint8)
        im = Image.fromarray(base).resize((256, 256), Image.BICUBIC)
        near = im.resize((200, 200), Image.LANCZOS)  # rescaled copy
        other = Image.fromarray((rng.random((64, 64, 3)) * 255).astype(np.uint8)).resize((256, 256))
        hs = [K.phash_dhash(x) for x in (im, near, other)]
        ph = np.array([h[0] for h in hs], dtype=np.uint64)
        dh = np.array([h[1] for h in hs], dtype=np.uint64)
        self.assertEqual(K.near_duplicate_pairs(ph, dh, 4, 10), [(0, 1)])


if __name__ == "__main__":
    unittest.main()


def test_size_matched_weights_equalise_the_classes_size_distributions():
    import corpus_data as D

    def rec(i, label, src):
        return D.Rec(key=f"k{i}", file="-", label=label, family="f", source=src, generator="g", lossy=False)

    # real: small images only except two; ai: large images only except one
    recs = [rec(i, 0, "r") for i in range(10)] + [rec(10 + i, 1, "a") for i in range(10)]
    sides = [400] * 8 + [1100, 1100] + [1100] * 9 + [400]
    w = D.size_matched_weights(recs, sides=sides)
    lab = np.array([r.label for r in recs])
    big = np.array(sides) >= 1024
    assert np.isclose(w[lab == 0].sum(), 0.5) and np.isclose(w[lab == 1].sum(), 0.5)
    # the same share of each class's mass is on large images
    assert np.isclose(w[(lab == 0) & big].sum(), w[(lab == 1) & big].sum())
    # plain balancing would put 80 % of real mass on small images and 10 % of AI mass
    b = D.balanced_weights(recs)
    assert not np.isclose(b[(lab == 0) & big].sum(), b[(lab == 1) & big].sum())


def test_header_info_agrees_with_the_decoding_image_info(tmp_path=None):
    import tempfile

    rng = np.random.default_rng(1)
    im = Image.fromarray((rng.random((40, 70, 3)) * 255).astype(np.uint8))
    with tempfile.TemporaryDirectory() as td:
        for name, kw in (("a.jpg", {}), ("b.png", {}), ("c.webp", {"lossless": True}), ("d.webp", {"quality": 80})):
            p = os.path.join(td, name)
            im.save(p, **kw)
            full, head = K.image_info(p), K.header_info(p)
            for k in ("w", "h", "format", "lossy", "frames", "bytes"):
                assert head[k] == full[k], (name, k, head[k], full[k])


def test_lazy_crop_and_cached_eval_patches_are_what_the_eager_path_gives():
    import tempfile

    import common as C
    import corpus_data as D
    import loso as L

    rng = np.random.default_rng(2)
    with tempfile.TemporaryDirectory() as td:
        p = os.path.join(td, "x.png")
        Image.fromarray((rng.random((300, 500, 3)) * 255).astype(np.uint8)).save(p)
        crops, ev = D.CROPS, L.EVAL_PATCHES
        D.CROPS, L.EVAL_PATCHES = os.path.join(td, "crops"), os.path.join(td, "ev")
        try:
            r = D.Rec(key="repo:x.png", file=p, label=0, family="real:f", source="repo", generator="g", lossy=False)
            assert not os.path.exists(r.crop_path)
            assert np.array_equal(D.load_crop(r), D.make_crop(r)) and os.path.exists(r.crop_path)
            img = D.analysis_image(r)
            want = {"as_is": C.grid_patches(img)[0], "neutralised": C.grid_patches(L.neutralise(img))[0]}
            first, again = L.held_patches(r), L.held_patches(r)  # computed, then read back from the cache
            for c in L.CONDS:
                assert first[c].dtype == again[c].dtype == np.float32
                assert np.array_equal(first[c], want[c]) and np.array_equal(again[c], want[c])
        finally:
            D.CROPS, L.EVAL_PATCHES = crops, ev
