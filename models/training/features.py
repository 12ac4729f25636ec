"""Hand-crafted forensic features for the gradient-boosting design (compared against the CNN).

Noise-residual statistics, cross-channel residual correlation, a radial power spectrum of the
residual, periodic-peak energy (8-px JPEG grid, 2x/4x upsampling), flat-region fraction and
8x8 blockiness. Computed on the whole image (or on a random view when training).
"""
from __future__ import annotations

import numpy as np
from scipy import ndimage  # noqa: F401  (python3-scipy is a dependency of python3-sklearn)

N_BANDS = 10


def _residual(ch: np.ndarray) -> np.ndarray:
    k = np.array([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]], dtype=np.float32) / 8.0
    return ndimage.convolve(ch, k, mode="reflect")[1:-1, 1:-1]


def _moments(r: np.ndarray) -> list[float]:
    r = r.ravel()
    s = r.std() + 1e-6
    a = np.abs(r)
    return [float(s), float(a.mean()), float(((r - r.mean()) ** 4).mean() / s ** 4),
            float(np.mean(a < 0.5)), float(np.quantile(a, 0.5)), float(np.quantile(a, 0.9)),
            float(np.quantile(a, 0.99))]


def _spectrum(g: np.ndarray) -> list[float]:
    h, w = g.shape
    n = min(256, h, w)
    y0, x0 = (h - n) // 2, (w - n) // 2
    r = g[y0 : y0 + n, x0 : x0 + n]
    r = (r - r.mean()) * np.outer(np.hanning(n), np.hanning(n))
    p = np.abs(np.fft.fftshift(np.fft.fft2(r))) ** 2 + 1e-8
    yy, xx = np.mgrid[0:n, 0:n]
    rad = np.hypot(yy - n // 2, xx - n // 2) / (n / 2)
    lp = np.log(p)
    bands = []
    for b in range(N_BANDS):
        m = (rad >= b / N_BANDS) & (rad < (b + 1) / N_BANDS)
        bands.append(float(lp[m].mean()) if m.any() else 0.0)
    bands = [v - bands[0] for v in bands]
    # energy at periodic frequencies vs their neighbourhood (grid / upsampling artefacts)
    c = n // 2
    peaks = []
    for period in (8, 4, 2):
        f = n // period
        vals = []
        for dy, dx in ((0, f), (f, 0), (f, f)):
            yy_, xx_ = c + dy, c + dx
            if yy_ >= n or xx_ >= n:
                continue
            v = lp[yy_, xx_]
            nb = lp[max(0, yy_ - 3) : yy_ + 4, max(0, xx_ - 3) : xx_ + 4]
            vals.append(v - np.median(nb))
        peaks.append(float(np.mean(vals)) if vals else 0.0)
    return bands + peaks


def _blockiness(g: np.ndarray) -> list[float]:
    d = np.abs(np.diff(g, axis=1))
    if d.shape[1] < 16:
        return [0.0]
    cols = np.array([d[:, k::8].mean() for k in range(8)])
    return [float(cols.max() / (np.median(cols) + 1e-6))]


def features(img: np.ndarray) -> np.ndarray:
    x = img.astype(np.float32)
    g = 0.299 * x[..., 0] + 0.587 * x[..., 1] + 0.114 * x[..., 2]
    rs = [_residual(x[..., c]) for c in range(3)]
    rg = _residual(g)
    f: list[float] = []
    f += _moments(rg)
    for c in range(3):
        f += _moments(rs[c])[:3]
    cc = np.corrcoef(np.stack([r.ravel() for r in rs]))
    f += [float(cc[0, 1]), float(cc[1, 2]), float(cc[0, 2])]
    f += _spectrum(rg)
    f += _blockiness(g)
    gy, gx = np.gradient(g)
    grad = np.hypot(gx, gy)
    f += [float(grad.mean()), float(np.mean(grad < 1.0)), float(rg.std() / (grad.mean() + 1e-3))]
    return np.array(f, dtype=np.float32)
