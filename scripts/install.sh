#!/usr/bin/env bash
# Install s2r_hf into a virtual environment (default .venv; override with S2R_VENV=path).
# Idempotent: re-running only installs what is missing. On a machine without an NVIDIA GPU it installs a
# CPU build of torch first (seconds from a local wheel where one exists, else PyTorch's CPU index), so
# pip never pulls the multi-GB CUDA wheels it would not use.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${S2R_VENV:-.venv}"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
PY="$VENV/bin/python"
"$PY" -m pip install --quiet --upgrade pip
if ! "$PY" -c "import torch" >/dev/null 2>&1; then
  if command -v nvidia-smi >/dev/null 2>&1; then
    "$PY" -m pip install --quiet torch
  else
    "$PY" -m pip install --quiet "torch==2.13.0+cpu" 2>/dev/null \
      || "$PY" -m pip install --quiet torch --index-url https://download.pytorch.org/whl/cpu
  fi
fi
"$PY" -m pip install --quiet -e ".[dev,eval]"
"$PY" -c "import s2r_hf, torch, datasets, transformers, trl, accelerate; print('s2r_hf', s2r_hf.__version__, \
'| torch', torch.__version__, '| datasets', datasets.__version__, '| transformers', transformers.__version__, \
'| trl', trl.__version__, '| accelerate', accelerate.__version__)"
