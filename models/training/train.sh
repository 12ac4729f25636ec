#!/usr/bin/env bash
# Retrain Loupe's detector from scratch (fixed seed) and regenerate everything derived from it:
#   models/loupe-detector.onnx, models/loupe-detector.json, models/parity.json and the metrics in
#   models/README.md. Run from anywhere: bash models/training/train.sh
# Needs Debian's python3 with torch, torchvision, numpy, pillow, scikit-learn, scipy, onnx
# (apt-get install python3-torch python3-numpy python3-pil python3-sklearn python3-onnx).
# Reads ../shared/datasets (override with LOUPE_DATASETS). ~25 min on a 2-core CPU.
# LOUPE_CNN_WIDTH sets the CNN base width (default 16, the shipped model); evaluate/export read it from the checkpoint.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-/usr/bin/python3}
export LOUPE_THREADS=${LOUPE_THREADS:-2}
start=$(date +%s)
stage() { echo "== $1 ($(( $(date +%s) - start ))s)"; }
stage "decode + tile dataset into .cache/"
$PY -c "import common as C; [print(s, len(C.load_split(s))) for s in ('train', 'dev')]"
stage "train patch CNN (width ${LOUPE_CNN_WIDTH:-16})"
$PY train_cnn.py
stage "train forensic-feature GBM and shortcut baseline"
$PY train_gbm.py
stage "evaluate on dev, calibrate on dev half A"
$PY evaluate.py
stage "export ONNX, sidecar, parity vectors"
$PY export.py
total=$(( $(date +%s) - start ))
echo "{\"total_seconds\": $total, \"host\": \"$(nproc) CPU cores ($(uname -m)), $LOUPE_THREADS torch threads\"}" > .cache/retrain.json
stage "regenerate model card tables"
$PY card.py
stage "done"
