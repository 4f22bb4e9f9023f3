"""`Dataset.scan`, `counter`, `choose_from_datasets`, `sample_from_datasets` and `unique`
against TF 2.21: every case of tests/data/tf_data_scan_goldens.json (made by
tools/tf_goldens/make_data_scan_goldens.py under real TF) replayed under tapeflow."""

from __future__ import annotations

import json
import pathlib

import pytest
from test_data_encode import check_golden

import tapeflow as tf

GOLDENS = json.loads(
    (pathlib.Path(__file__).parent / "data" / "tf_data_scan_goldens.json").read_text()
)
CASES = GOLDENS["cases"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_tf(name):
    check_golden(CASES[name], tf)
