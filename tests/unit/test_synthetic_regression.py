"""Regression hashes of the embedded synthetic data: the generators must stay byte-identical.

Why: dataset caches, score caches, fixtures and stored benchmark numbers all depend on the exact rows the
generators emit for a seed. The expected digests below were computed on the code BEFORE the generators were
split into modules (issue 16); any change to a template, a trace, the row mix or the draw order shows up here.
If a change is intended, say so in the commit and update the digest.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

import pytest

from s2r_hf.synthetic import CHATML_TEMPLATE, benchmark_rows, openr1_rows
from s2r_hf.synthetic.tiny_judge import _tokenizer_corpus


def digest(items: Iterable[object]) -> str:
    """sha256 over one canonical JSON line per item (keys sorted, unicode kept)."""
    h = hashlib.sha256()
    for item in items:
        h.update(json.dumps(item, sort_keys=True, ensure_ascii=False).encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param(
            lambda: openr1_rows(300, seed=0),
            "46f9e8a80aeb0e32292ebbbaeca9096d45e46f267ddf4f6bf992bdc41942b7c9",
            id="seed0-300-default-lengths",
        ),
        pytest.param(
            lambda: openr1_rows(120, seed=7, min_think_words=5, max_think_words=400),
            "1d72ef76e612a2a569c77f7a68a9019a33c7d97581fcd1d6def10f8ef47a8e06",
            id="seed7-120-short-traces",
        ),
        pytest.param(
            lambda: benchmark_rows(),
            "3b18cd98264cab4085aa47b8b5ab693913df8468df57165eaf6f66b139bca387",
            id="benchmark-default",
        ),
        pytest.param(
            lambda: _tokenizer_corpus(0),
            "389c07b632f75dd915e51afbf38e1a81415f4622496666f41a1948bf75bac487",
            id="tiny-judge-tokenizer-corpus",
        ),
        pytest.param(
            lambda: [CHATML_TEMPLATE],
            "a06921aa652625701ce3a3f75455edc95e856148da7126577d569953f982082c",
            id="chatml-template",
        ),
    ],
)
def test_synthetic_output_is_unchanged(rows, expected: str) -> None:
    assert digest(rows()) == expected


def test_digest_sees_a_one_character_change() -> None:
    """The digest is not blind: altering one character of one row changes it."""
    rows = list(openr1_rows(3, seed=0))
    before = digest(rows)
    rows[2]["generations"][0] = rows[2]["generations"][0][:-1] + "!"
    assert digest(rows) != before


def test_chatml_template_has_one_home_and_the_old_paths_still_work() -> None:
    import s2r_hf.synthetic as synthetic
    from s2r_hf import chat_templates
    from s2r_hf.synthetic import tiny_judge

    assert synthetic.CHATML_TEMPLATE is tiny_judge.CHATML_TEMPLATE is chat_templates.CHATML_TEMPLATE
    assert chat_templates.CHATML_START in CHATML_TEMPLATE and chat_templates.CHATML_END in CHATML_TEMPLATE
