"""Per-row scores published and re-selection without a model, for real: `s2r select --push-to-hub` to the loopback
Hub (tests/hub_server.py), `load_dataset(repo, "scores")` in a fresh interpreter, then `s2r select --scores-from`
(the repo, and the local folder) in a subprocess where loading any model or tokenizer raises.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.conftest import S2R
from tests.e2e.test_hub_push import DEMO, hub_env, load_from_hub, run

pytestmark = [pytest.mark.usefixtures("healthy_hub"), pytest.mark.slow]

REPO = "ns/s2r-scores"
ROWS = ["--synthetic-rows", "300"]

# `s2r` with every model/tokenizer loader made to raise: a re-selection that loads one fails loudly.
NO_MODEL = """
import sys
import transformers
import s2r_hf.scoring.models as models

def refuse(*args, **kwargs):
    raise RuntimeError("a model or tokenizer was loaded")

for cls in (transformers.AutoModelForCausalLM, transformers.AutoTokenizer, transformers.PreTrainedTokenizerFast,
            transformers.PreTrainedModel):
    cls.from_pretrained = refuse
models.resolve = models.load_tokenizer = models.load_causal_lm = refuse
from s2r_hf.cli import main
sys.exit(main(sys.argv[1:]))
"""

LOAD_SCORES = """
import json, sys
from datasets import load_dataset
ds = load_dataset(sys.argv[1], "scores", split="train")
print(json.dumps({"columns": ds.column_names, "rows": ds.to_list()}, default=str))
"""


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


def select_no_model(args: list[str], env: dict[str, str]):
    return run([sys.executable, "-c", NO_MODEL, "select", *args], env)


@pytest.fixture(scope="module")
def published(hub_server, tmp_path_factory):
    """A selection scored with the tiny judge and pushed (config default + its scores config)."""
    home = tmp_path_factory.mktemp("published")
    env = hub_env(hub_server, home, S2R_HF_CACHE=str(home / "s2r_cache"))
    out = home / "out"
    proc = run([*S2R, "select", "--config", str(DEMO), *ROWS, "--output-dir", str(out), "--push-to-hub", REPO], env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return home, out, env


def test_pushed_selection_serves_its_scores_config(published):
    _, out, env = published
    proc = run([sys.executable, "-c", LOAD_SCORES, REPO], env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    local = pq.read_table(out / "scores.parquet")
    wanted = {
        "id",
        "difficulty",
        "length",
        "rank_difficulty",
        "rank_length",
        "joint_rank",
        "selected",
        "selection_rank",
    }
    assert wanted <= set(loaded["columns"]) and loaded["columns"] == local.column_names
    rows, m = loaded["rows"], manifest(out)
    assert len(rows) == m["counts"]["scored"] == local.num_rows
    chosen = sorted((r for r in rows if r["selected"]), key=lambda r: r["selection_rank"])
    assert [r["id"] for r in chosen] == m["selected_ids"]
    assert all(r["selection_rank"] == -1 for r in rows if not r["selected"])
    card = load_from_hub(REPO, env)  # the subset stays the default config; the card lists both
    assert card["ids"] == m["selected_ids"]
    assert [c["config_name"] for c in card["configs"]] == ["default", "scores"]
    assert card["configs"][1]["data_files"] == [{"split": "train", "path": "selection/scores.parquet"}]
    info = {e["config_name"]: e for e in card["dataset_info"]}
    assert info["scores"]["splits"][0]["num_examples"] == local.num_rows
    assert 'load_dataset(repo, "scores", split="train")' in card["text"]


def test_scores_from_the_repo_reproduces_the_selection_without_a_model(published):
    home, out, env = published
    again = home / "again"
    proc = select_no_model(["--config", str(DEMO), *ROWS, "--scores-from", REPO, "--output-dir", str(again)], env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    original, redone = manifest(out), manifest(again)
    assert redone["selected_ids"] == original["selected_ids"]  # same ids, same order
    assert redone["counts"] == original["counts"] and redone["scorer"] == original["scorer"]
    source = redone["scores_from"]
    assert source["source"] == REPO and source["config"] == "scores" and len(source["revision"]) == 40
    assert redone["options"]["SelectionArguments"]["scores_from"] == REPO
    assert (again / "data" / "train-00000-of-00001.parquet").read_bytes() == (
        out / "data" / "train-00000-of-00001.parquet"
    ).read_bytes()
    card = (again / "README.md").read_text()
    assert f"read from the hub dataset `{REPO}` (config `scores`) at revision `{source['revision']}`" in card
    assert "--scores-from" in card


def test_scores_from_the_folder_with_other_options_matches_a_full_run(published):
    """Another weight and ratio on the published scores = what a full `s2r select` (warm score cache) gives."""
    home, out, env = published
    other = ["--weight", "0.5", "--ratio", "0.05"]
    fast, full = home / "w05-scores", home / "w05-full"
    proc = select_no_model(
        ["--config", str(DEMO), *ROWS, *other, "--scores-from", str(out), "--output-dir", str(fast)], env
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    proc = run([*S2R, "select", "--config", str(DEMO), *ROWS, *other, "--output-dir", str(full)], env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert manifest(fast)["selected_ids"] == manifest(full)["selected_ids"]
    assert manifest(fast)["selected_ids"] != manifest(out)["selected_ids"]
    assert manifest(fast)["scores_from"]["kind"] == "local folder"
    # the same folder with the original options: exactly the original selection
    same = home / "same"
    proc = select_no_model(["--config", str(DEMO), *ROWS, "--scores-from", str(out), "--output-dir", str(same)], env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert manifest(same)["selected_ids"] == manifest(out)["selected_ids"]


def test_scores_from_refuses_a_scoring_option_and_an_uncovered_pool(published):
    home, out, env = published
    args = ["--config", str(DEMO), "--scores-from", str(out), "--output-dir", str(home / "refused")]
    proc = select_no_model([*args, *ROWS, "--length-unit", "chars"], env)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    last = proc.stderr.strip().splitlines()[-1]
    assert "--length-unit 'chars' changes the scores" in last and "'tokens'" in last
    proc = select_no_model([*args, "--synthetic-rows", "500"], env)  # 200 more rows than were scored
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    last = proc.stderr.strip().splitlines()[-1]
    assert "does not cover the pool" in last and "pool rows have no score" in last and "(e.g. '" in last


def test_scores_from_a_named_config_of_the_repo(published, tmp_path):
    """A repo holding two configs' scores: `REPO:CONFIG` (or `REPO:CONFIG-scores`) reads that config's, recorded in
    the manifest and card; a config the repo lacks is one line listing the scores configs it has."""
    import shutil

    import pyarrow as pa

    _, out, env = published
    repo = "ns/s2r-scores-configs"
    flipped = tmp_path / "flipped"  # the same rows, difficulty reversed: another selection from another config
    shutil.copytree(out, flipped)
    table = pq.read_table(flipped / "scores.parquet")
    at = table.column_names.index("difficulty")
    reverse = pa.array(1.0 - table.column("difficulty").to_numpy())
    pq.write_table(table.set_column(at, "difficulty", reverse), flipped / "scores.parquet")
    for folder, config in ((out, "default"), (flipped, "pct05")):
        push = [*S2R, "push", "--output-dir", str(folder), "--repo", repo, "--config-name", config]
        proc = run(push, env)
        assert proc.returncode == 0, proc.stderr[-3000:]
    local = tmp_path / "from-folder"
    proc = select_no_model(
        ["--config", str(DEMO), *ROWS, "--scores-from", str(flipped), "--output-dir", str(local)], env
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    for spec in (f"{repo}:pct05",):  # `:pct05-scores` reads the same: tests/unit/test_published_scores.py
        again = tmp_path / spec.replace("/", "_").replace(":", "_")
        proc = select_no_model(["--config", str(DEMO), *ROWS, "--scores-from", spec, "--output-dir", str(again)], env)
        assert proc.returncode == 0, proc.stderr[-3000:]
        redone = manifest(again)
        assert redone["selected_ids"] == manifest(local)["selected_ids"] != manifest(out)["selected_ids"]
        source = redone["scores_from"]
        assert source["source"] == repo and source["config"] == "pct05-scores" and len(source["revision"]) == 40
        assert redone["options"]["SelectionArguments"]["scores_from"] == spec
        assert (
            f"`{repo}` (config `pct05-scores`) at revision `{source['revision']}`" in (again / "README.md").read_text()
        )
    args = ["--config", str(DEMO), *ROWS, "--scores-from", f"{repo}:pct02", "--output-dir", str(tmp_path / "no")]
    proc = select_no_model(args, env)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    last = proc.stderr.strip().splitlines()[-1]
    assert f"--scores-from {repo}:pct02: no scores config 'pct02-scores' there; it has 'pct05-scores', 'scores'" in last
