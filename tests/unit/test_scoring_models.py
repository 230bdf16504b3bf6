"""The dtype choice of the judge and policy models (s2r_hf.scoring.models.pick_dtype): a named dtype as asked;
``auto`` follows the hardware (bf16 on a CPU with native bf16 or a bf16 GPU, else float32 / float16).
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import torch

from s2r_hf.scoring.models import pick_dtype
from tests.unit.judges import CPU


@pytest.mark.parametrize("name", ["float32", "bfloat16", "float16"])
def test_pick_dtype_named(name):
    assert pick_dtype(name, CPU) is getattr(torch, name)


def test_pick_dtype_auto_on_this_cpu():
    try:
        native = bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        native = False
    assert pick_dtype("auto", CPU) is (torch.bfloat16 if native else torch.float32)


def _raise_runtime_error():
    raise RuntimeError("no mkldnn")


@pytest.mark.parametrize(
    ("probe", "expected"),
    [(lambda: True, torch.bfloat16), (lambda: False, torch.float32), (_raise_runtime_error, torch.float32)],
    ids=["native-bf16", "no-bf16", "probe-fails"],
)
def test_pick_dtype_auto_follows_the_cpu_probe(probe, expected, monkeypatch):
    monkeypatch.setattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", probe)
    assert pick_dtype("auto", CPU) is expected


@pytest.mark.parametrize(("bf16", "expected"), [(True, torch.bfloat16), (False, torch.float16)])
def test_pick_dtype_auto_on_cuda(bf16, expected, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: bf16)
    assert pick_dtype("auto", SimpleNamespace(type="cuda")) is expected
