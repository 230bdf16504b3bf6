"""Loading models and tokenizers by name: Hub ids, local folders, and the built-in tiny judge.

Also the two facts the score cache needs about a model: which dtype to run it in, and a fingerprint of
its weights (the Hub commit when known, else a hash of the local files' heads and tails).
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from s2r_hf.configs import TINY_JUDGE
from s2r_hf.errors import S2RError
from s2r_hf.preflight import hub_hint

logger = logging.getLogger(__name__)


def resolve(name: str, cache_dir: str | Path) -> str:
    """A loadable name: built-in names become the path of the model built in ``cache_dir``."""
    if name == TINY_JUDGE:
        from s2r_hf.synthetic import ensure_tiny_judge

        return str(ensure_tiny_judge(cache_dir))
    if name.startswith("s2r:"):
        raise S2RError(f"unknown built-in model {name!r}; the built-in judge is {TINY_JUDGE!r}")
    return name


def pick_dtype(requested: str, device):
    """``auto``: bf16 on CUDA and on CPUs with native bf16 (AVX512-BF16/AMX), float32 elsewhere.

    On an AVX2-only CPU bf16 matmuls run ~7x slower than fp32 (measured here), so 'auto' avoids them.
    """
    import torch

    if requested != "auto":
        return getattr(torch, requested)
    if device.type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    try:
        native_bf16 = bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        native_bf16 = False
    return torch.bfloat16 if native_bf16 else torch.float32


def weights_fingerprint(path: str | Path) -> str:
    """Cheap content fingerprint of a local model folder: config + tokenizer files, weight heads/tails."""
    h = hashlib.sha256()
    folder = Path(path)
    for f in sorted(folder.iterdir()):
        if not f.is_file() or f.name.startswith("."):
            continue
        h.update(f.name.encode())
        size = f.stat().st_size
        h.update(str(size).encode())
        with f.open("rb") as fh:
            if size <= 2 << 20:
                h.update(fh.read())
            else:
                h.update(fh.read(1 << 20))
                fh.seek(size - (1 << 20))
                h.update(fh.read())
    return h.hexdigest()[:16]


def weights_identity(resolved: str, revision: str | None = None) -> str:
    """What identifies a scorer's weights without loading them (a score-cache key): a local fingerprint, else the
    Hub commit. Not :func:`s2r_hf.eval.resume.model_identity`, which keys evaluation answers."""
    if Path(resolved).is_dir():
        return "local:" + weights_fingerprint(resolved)
    from huggingface_hub import snapshot_download

    try:
        snapshot = snapshot_download(resolved, revision=revision, allow_patterns=["config.json"])
    except Exception as err:
        raise S2RError(
            f"could not resolve model {resolved!r} (revision {revision or 'main'}) on the Hub: "
            f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}; {hub_hint(resolved)}"
        ) from err
    return "hub:" + Path(snapshot).name


def load_tokenizer(name: str, revision: str | None = None):
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(name, revision=revision)
    except Exception as err:
        raise S2RError(
            f"could not load tokenizer {name!r}: {type(err).__name__}: {str(err).splitlines()[0]}; {hub_hint(name)}"
        ) from err


def load_causal_lm(name: str, *, revision: str | None, dtype, device, attn_implementation: str | None = None):
    return load_pretrained(
        "AutoModelForCausalLM",
        name,
        revision=revision,
        dtype=dtype,
        device=device,
        attn_implementation=attn_implementation,
    )


def load_pretrained(
    auto_class: str, name: str, *, revision: str | None, dtype, device, attn_implementation: str | None = None
):
    """``transformers.<auto_class>.from_pretrained`` on ``device`` in eval mode; a failure is one S2RError line."""
    import transformers

    kwargs = {"revision": revision, "dtype": dtype}
    if attn_implementation:
        kwargs["attn_implementation"] = attn_implementation
    try:
        model = getattr(transformers, auto_class).from_pretrained(name, **kwargs)
    except Exception as err:
        raise S2RError(
            f"could not load model {name!r}: {type(err).__name__}: {str(err).splitlines()[0]}; {hub_hint(name)}"
        ) from err
    return model.to(device).eval()
