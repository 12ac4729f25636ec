"""Checks of designs.py (no corpus needed):  /usr/bin/python3 -m pytest -q models/training/test_designs.py"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import designs as X  # noqa: E402


def test_matmul_power_spectrum_is_the_fftshifted_fft():
    torch.manual_seed(0)
    g = torch.randn(3, 1, 60, 60)
    c, s = X.dft_mats(60)
    ref = torch.log1p(torch.fft.fftshift(torch.fft.fft2(g).abs() ** 2, dim=(-2, -1)) / 3600)
    assert float((X.log_power_spectrum(g, c, s) - ref).abs().max()) < 1e-4
    # a pure horizontal cosine of period 4 px: its power sits at column offset +-15 from the centre (60 / 4)
    x = torch.cos(torch.arange(60.0) * (2 * torch.pi / 4)).repeat(60, 1).reshape(1, 1, 60, 60)
    p = X.log_power_spectrum(x, c, s)[0, 0]
    assert set(map(tuple, (p > 1).nonzero().tolist())) == {(30, 15), (30, 45)}


def test_every_design_keeps_the_engine_interface():
    x = torch.rand(5, 3, 64, 64)
    for name in X.DESIGNS:
        m = X.build(name).eval()
        with torch.no_grad():
            assert m(x).shape == (5,), name
