"""The adapter registry (s2r_hf.pools.adapters): every --pool-format is an adapter with a detection
signature, and the test rows carry the real published column sets.
"""

from __future__ import annotations

from s2r_hf.configs import POOL_FORMATS
from s2r_hf.pools import ADAPTERS
from s2r_hf.pools.adapters import SIGNATURES
from s2r_hf.synthetic import OPENR1_COLUMNS, openr1_features
from tests.unit.pools.rows import (
    CHINESE_COLUMNS,
    DEEPMATH_COLUMNS,
    LIGHT_R1_COLUMNS,
    LIMO_COLUMNS,
    OPENMATHREASONING_COLUMNS,
    OPENTHOUGHTS3_COLUMNS,
    S1K_11_COLUMNS,
    S1K_COLUMNS,
    STRATOS_COLUMNS,
    chinese_row,
    deepmath_row,
    light_r1_row,
    limo_row,
    omr_row,
    openr1_row,
    openthoughts3_row,
    s1k_11_row,
    s1k_row,
    stratos_row,
)


def test_row_builders_use_the_real_column_sets():
    assert tuple(openr1_row(0)) == OPENR1_COLUMNS
    assert set(openr1_features()) == set(OPENR1_COLUMNS)
    assert tuple(chinese_row(0)) == CHINESE_COLUMNS


def test_new_row_builders_use_the_real_column_sets():
    assert tuple(stratos_row(0)) == STRATOS_COLUMNS
    assert tuple(openthoughts3_row(0)) == OPENTHOUGHTS3_COLUMNS
    assert tuple(light_r1_row(0)) == LIGHT_R1_COLUMNS
    assert tuple(limo_row(0)) == LIMO_COLUMNS
    assert tuple(omr_row(0)) == OPENMATHREASONING_COLUMNS
    assert tuple(deepmath_row(0)) == DEEPMATH_COLUMNS
    assert tuple(s1k_row(0)) == S1K_COLUMNS
    assert tuple(s1k_11_row(0)) == S1K_11_COLUMNS


def test_every_format_is_an_option_and_every_signature_an_adapter():
    assert ("auto", *ADAPTERS) == POOL_FORMATS
    assert {name for name, _ in SIGNATURES} == set(ADAPTERS)
