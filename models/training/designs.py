"""Candidate pixel-level designs for issue #11, compared with today's ResidualCNN under the LOSO protocol
(loso_designs.py). Every design keeps the shipped ONNX interface, so the TypeScript side needs no change:

    input  `patches` float32 [n, 3, 64, 64], value = byte / 255, RGB, NCHW
    output `logits`  float32 [n], one logit per patch (the image logit is their mean)

and every fixed front end (SRM filters, NPR) lives inside the network.

Designs (DESIGNS below):
- baseline  common.ResidualCNN(16): SRM high-pass residuals -> 4 conv layers (today's model).
- npr       NPR front end (Tan et al., CVPR 2024, "Rethinking the up-sampling operations in CNN-based
            generative network for generalizable deepfake detection"): r = x - up_nearest(down_nearest(x, 2)),
            the neighbouring-pixel relationships inside each 2x2 block that up-sampling layers leave, fed to the
            same body as ResidualCNN (width 16).
- fused     two branches, SRM residual (ResidualCNN front end) and NPR, each with its own body of width 12
            (about the FLOPs of one width-16 body), pooled features concatenated before the linear head.
- wide24    common.ResidualCNN(24), a capacity control.
- spectral  two branches, SRM residual (as fused) and the log power spectrum of the patch's high-pass residual
            (Durall et al., CVPR 2020, "Watch your up-convolution"; Frank et al., ICML 2020, "Leveraging frequency
            analysis for deep fake image recognition": up-sampling leaves periodic peaks in the spectrum), each with
            a body of width 12, pooled features concatenated before the linear head. The 2D DFT is two fixed
            matrix products (opset 13 has no DFT op), so it exports as MatMul.

    /usr/bin/python3 models/training/designs.py            # params, MACs, ONNX size, ms for 36 patches
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import common as C  # noqa: E402

# the class itself, captured at import: loso_designs.use_design swaps common.ResidualCNN while a design trains
ResidualCNN = C.ResidualCNN


def conv_body(cin: int, width: int) -> tuple[nn.Sequential, int]:
    """ResidualCNN's body for a 64 px patch: 3x3 valid conv, then three stride-2 3x3 convs, BN + ReLU."""
    chans = [width, 2 * width, 3 * width, 4 * width]
    layers = [nn.Conv2d(cin, chans[0], 3, bias=False), nn.BatchNorm2d(chans[0]), nn.ReLU(inplace=True)]
    c = chans[0]
    for i in range(3):
        cout = chans[i + 1]
        layers += [nn.Conv2d(c, cout, 3, stride=2, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]
        c = cout
    return nn.Sequential(*layers), c


def npr_residual(x: torch.Tensor) -> torch.Tensor:
    """x - upsample_nearest(downsample_nearest(x, 1/2), 2) in grey levels / 4, truncated at +-8 (as the SRM
    branch). Zero at the top-left pixel of every 2x2 block, the difference to it elsewhere. Needs even H, W
    (64). Exports as Slice + Resize(nearest) in ONNX opset 13."""
    d = x[:, :, ::2, ::2]
    u = F.interpolate(d, scale_factor=2.0, mode="nearest")
    return torch.clamp((x - u) * (255.0 / 4.0), -8.0, 8.0)


class NPRCNN(nn.Module):
    """NPR front end + ResidualCNN's body (64 -> 62 -> 30 -> 14 -> 6) + global mean pool + linear."""

    def __init__(self, width: int = 16):
        super().__init__()
        self.body, c = conv_body(3, width)
        self.head = nn.Linear(c, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        f = self.body(npr_residual(x)).mean(dim=(2, 3))
        return self.head(f).squeeze(1)


class FusedCNN(nn.Module):
    """SRM-residual branch (ResidualCNN's fixed front end) + NPR branch, one body each, features concatenated
    before the linear head."""

    def __init__(self, width: int = 12):
        super().__init__()
        ref = ResidualCNN(width, 64)
        self.register_buffer("hp", ref.hp.clone())
        self.srm, c1 = conv_body(6, width)
        self.npr, c2 = conv_body(3, width)
        self.head = nn.Linear(c1 + c2, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        r = torch.clamp(F.conv2d(x, self.hp, groups=3), -8.0, 8.0)
        a = self.srm(r).mean(dim=(2, 3))
        b = self.npr(npr_residual(x)).mean(dim=(2, 3))
        return self.head(torch.cat([a, b], dim=1)).squeeze(1)


def dft_mats(n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """cos / sin of the n-point DFT, rows in fftshift order (frequency 0 in the middle)."""
    k = (np.arange(n) - n // 2).reshape(-1, 1)
    t = 2 * np.pi * k * np.arange(n).reshape(1, -1) / n
    return torch.from_numpy(np.cos(t).astype(np.float32)), torch.from_numpy(np.sin(t).astype(np.float32))


def log_power_spectrum(g: torch.Tensor, c: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
    """g [n, 1, h, w] -> log(1 + |DFT2(g)|^2 / (h w)), fftshifted; DFT2(g) = W g W^T with W = c - i s."""
    ct, st = c.t(), s.t()
    cg, sg = torch.matmul(c, g), torch.matmul(s, g)
    re = torch.matmul(cg, ct) - torch.matmul(sg, st)
    im = torch.matmul(cg, st) + torch.matmul(sg, ct)
    return torch.log1p((re * re + im * im) * (1.0 / (c.shape[0] * c.shape[0])))


class SpectralCNN(nn.Module):
    """SRM-residual branch (ResidualCNN's fixed front end) + a branch on the log power spectrum of the grey
    3x3 residual (mean over RGB of the SRM 'pixel minus mean of 8 neighbours' outputs, 60x60), one body each,
    features concatenated before the linear head."""

    def __init__(self, width: int = 12, patch: int = 64):
        super().__init__()
        ref = ResidualCNN(width, patch)
        self.register_buffer("hp", ref.hp.clone())
        c, s = dft_mats(patch - 4)
        self.register_buffer("dft_c", c)
        self.register_buffer("dft_s", s)
        self.srm, c1 = conv_body(6, width)
        self.spec, c2 = conv_body(1, width)
        self.head = nn.Linear(c1 + c2, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        r = torch.clamp(F.conv2d(x, self.hp, groups=3), -8.0, 8.0)
        g = r[:, 0::2].mean(dim=1, keepdim=True)  # the three 3x3 residuals
        a = self.srm(r).mean(dim=(2, 3))
        b = self.spec(log_power_spectrum(g, self.dft_c, self.dft_s)).mean(dim=(2, 3))
        return self.head(torch.cat([a, b], dim=1)).squeeze(1)


DESIGNS = {
    "baseline": ("ResidualCNN width 16 (SRM residual, today's model)", lambda: ResidualCNN(16, 64)),
    "npr": ("NPRCNN width 16 (NPR residual x - up(down(x)), ResidualCNN body)", lambda: NPRCNN(16)),
    "fused": ("FusedCNN: SRM branch width 12 + NPR branch width 12, concatenated before the head",
              lambda: FusedCNN(12)),
    "wide24": ("ResidualCNN width 24 (capacity control)", lambda: ResidualCNN(24, 64)),
    "spectral": ("SpectralCNN: SRM branch width 12 + log power spectrum (DFT as MatMul) branch width 12, "
                 "concatenated before the head", lambda: SpectralCNN(12)),
}


def build(name: str) -> nn.Module:
    return DESIGNS[name][1]()


# --- cost ------------------------------------------------------------------------------------------
def count_macs(model: nn.Module, patch: int = 64) -> int:
    """Multiply-accumulates per patch of the conv / linear layers, the fixed front ends included."""
    macs = [0]

    def conv_hook(m, i, o):
        macs[0] += o.numel() // o.shape[0] * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]

    def lin_hook(m, i, o):
        macs[0] += m.in_features * m.out_features

    hs = [m.register_forward_hook(conv_hook) for m in model.modules() if isinstance(m, nn.Conv2d)]
    hs += [m.register_forward_hook(lin_hook) for m in model.modules() if isinstance(m, nn.Linear)]
    model.eval()
    with torch.no_grad():
        model(torch.rand(1, 3, patch, patch))
    for h in hs:
        h.remove()
    # fixed front ends done with F.conv2d: SRM 6 outputs x 5x5 on (patch-4)^2
    if isinstance(model, (ResidualCNN, FusedCNN, SpectralCNN)):
        macs[0] += (patch - 4) ** 2 * 6 * 25
    if isinstance(model, SpectralCNN):  # 2D DFT as four n x n x n products each side
        macs[0] += 8 * (patch - 4) ** 3
    return macs[0]


def export_onnx(model: nn.Module, path: str) -> None:
    """The shipped export call (export.py): opset 13, dynamic batch axis, names patches / logits."""
    model.eval()
    torch.onnx.export(model, torch.rand(4, 3, 64, 64), path, input_names=["patches"], output_names=["logits"],
                      dynamic_axes={"patches": {0: "n"}, "logits": {0: "n"}}, opset_version=13,
                      do_constant_folding=True)
    import onnx

    onnx.checker.check_model(onnx.load(path))


ORT_JS = r"""
const ort = require('onnxruntime-node');
const fs = require('fs');
(async () => {
  const [onnxPath, inPath, n, reps] = process.argv.slice(2);
  const buf = fs.readFileSync(inPath);
  const data = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const s = await ort.InferenceSession.create(fs.readFileSync(onnxPath), {intraOpNumThreads: 1, interOpNumThreads: 1});
  const feeds = {patches: new ort.Tensor('float32', data, [Number(n), 3, 64, 64])};
  let out = await s.run(feeds);
  const times = [];
  for (let i = 0; i < Number(reps); i++) {
    const t = process.hrtime.bigint();
    out = await s.run(feeds);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({logits: Array.from(out.logits.data), p50: times[Math.floor(times.length / 2)]}));
})();
"""


def ort_run(onnx_path: str, x: np.ndarray, reps: int = 30) -> dict:
    """Run the ONNX file with onnxruntime-node (the engine's runtime, 1 intra-op thread) from the repo's
    node_modules: returns the logits and the p50 ms over `reps` runs."""
    with tempfile.TemporaryDirectory() as td:
        xp = os.path.join(td, "x.bin")
        np.ascontiguousarray(x, dtype=np.float32).tofile(xp)
        js = os.path.join(td, "ort.js")
        open(js, "w").write(ORT_JS)
        env = dict(os.environ, NODE_PATH=os.path.join(C.REPO, "node_modules"))
        r = subprocess.run(["node", js, onnx_path, xp, str(len(x)), str(reps)], capture_output=True, text=True,
                           env=env, cwd=C.REPO, timeout=600)
        if r.returncode != 0:
            raise RuntimeError(r.stderr[-2000:])
        return json.loads(r.stdout.strip().splitlines()[-1])


def torch_ms(model: nn.Module, x: torch.Tensor, reps: int = 30) -> float:
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    model.eval()
    ts = []
    with torch.no_grad():
        model(x)
        for _ in range(reps):
            t = time.perf_counter()
            model(x)
            ts.append((time.perf_counter() - t) * 1e3)
    torch.set_num_threads(old)
    return float(np.median(ts))


def cost(name: str, model: nn.Module | None = None, reps: int = 30) -> dict:
    """params, MACs per patch, ONNX bytes, p50 ms for 36 patches (onnxruntime-node 1 thread, torch 1 thread),
    and the largest |ONNX - torch| logit difference on random patches."""
    torch.manual_seed(0)
    model = model if model is not None else build(name)
    model.eval()
    x = torch.rand(36, 3, 64, 64)
    with torch.no_grad():
        ref = model(x).numpy()
    with tempfile.TemporaryDirectory() as td:
        p = os.path.join(td, f"{name}.onnx")
        export_onnx(model, p)
        size = os.path.getsize(p)
        try:
            o = ort_run(p, x.numpy(), reps)
            ort_ms, diff = o["p50"], float(np.abs(np.array(o["logits"]) - ref).max())
        except Exception as e:  # noqa: BLE001
            print(f"onnxruntime-node unavailable: {e}", file=sys.stderr)
            ort_ms, diff = float("nan"), float("nan")
    return {"design": name, "params": int(sum(q.numel() for q in model.parameters())),
            "macs_per_patch": count_macs(model), "onnx_bytes": size, "ms36_ort_1thread": ort_ms,
            "ms36_torch_1thread": torch_ms(model, x, reps), "onnx_torch_maxdiff": diff}


if __name__ == "__main__":
    names = sys.argv[1:] or list(DESIGNS)
    for n in names:
        print(json.dumps(cost(n)), flush=True)
