"""The fast select behind tf.where is np.where bit for bit (NaN, inf, -0.0, broadcasting)."""

from __future__ import annotations

import numpy as np
import pytest

from tapeflow.ops._util import select


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.int32, np.int64])
def test_select_matches_where_exactly(dtype):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 128)).astype(dtype)
    y = rng.standard_normal((64, 128)).astype(dtype)
    if np.dtype(dtype).kind == "f":
        x[0, :4] = [np.nan, np.inf, -np.inf, -0.0]
        y[1, :4] = [np.nan, np.inf, -np.inf, -0.0]
    condition = rng.random((64, 128)) > 0.5
    got = select(condition, x, y)
    want = np.where(condition, x, y)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got.view(np.uint8), want.view(np.uint8))


def test_select_broadcasts_like_where():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((1, 5000)).astype(np.float32)
    y = rng.standard_normal((3, 1)).astype(np.float32)
    condition = rng.random((3, 5000)) > 0.5
    np.testing.assert_array_equal(select(condition, x, y), np.where(condition, x, y))
