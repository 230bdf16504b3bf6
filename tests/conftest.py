"""Test-wide setup: fully offline, private caches, and the tiny model + pool built once per session.

Environment variables are set here, before any test imports huggingface_hub/datasets (they read them at
import time).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

_SESSION_TMP = Path(tempfile.mkdtemp(prefix="s2r-tests-"))
os.environ.update(
    {
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "HF_HOME": str(_SESSION_TMP / "hf_home"),
        "HF_DATASETS_CACHE": str(_SESSION_TMP / "hf_datasets"),
        "S2R_HF_CACHE": str(_SESSION_TMP / "s2r_cache"),
        "TOKENIZERS_PARALLELISM": "false",
        "MPLBACKEND": "Agg",
    }
)

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
S2R = [sys.executable, "-m", "s2r_hf.cli"]
LAUNCHER_VARS = ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT", "ACCELERATE_USE_CPU")


def without_launcher_vars(env: dict[str, str]) -> dict[str, str]:
    """``env`` minus the rank variables of an enclosing launcher: a child must start its own process group."""
    return {k: v for k, v in env.items() if k not in LAUNCHER_VARS}


@pytest.fixture(autouse=True)
def _restore_grad_mode():
    """lighteval's transformers backend disables autograd process-wide at import; keep tests independent."""
    yield
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_grad_enabled(True)


@pytest.fixture(scope="session")
def cache_dir() -> Path:
    """The session's shared S2R cache (tiny judge, synthetic pool, score stores)."""
    return Path(os.environ["S2R_HF_CACHE"])


@pytest.fixture(scope="session")
def tiny_judge(cache_dir: Path) -> Path:
    """The built-in tiny Qwen2 judge, built offline once per session."""
    from s2r_hf.synthetic import ensure_tiny_judge

    return ensure_tiny_judge(cache_dir)


@pytest.fixture
def fresh_cache(tmp_path: Path) -> Path:
    """An empty score cache for tests that count model calls or resume."""
    path = tmp_path / "s2r_cache"
    path.mkdir()
    return path


@pytest.fixture(scope="module")
def hub_server(tmp_path_factory):
    """A local stand-in for the Hugging Face Hub (tests/hub_server.py) on 127.0.0.1, for one test module.

    ``.url`` goes in a subprocess's ``HF_ENDPOINT``; ``.token`` is the only token it accepts; ``.root`` is where it
    stores the repos (``.files(repo_id)``: a repo's files at main). Fault switches ``fail_commit_with``,
    ``drop_connection_on_upload``, ``reject_token`` (and ``fault_times``) are reset by ``.clear_faults()``.
    """
    import secrets

    from tests.hub_server import HubServer

    with HubServer(tmp_path_factory.mktemp("hub"), token=f"hf_s2rTest{secrets.token_hex(16)}") as hub:
        yield hub


@pytest.fixture
def healthy_hub(hub_server):
    """The module's hub server with no fault switched on, before and after the test."""
    hub_server.clear_faults()
    yield hub_server
    hub_server.clear_faults()
