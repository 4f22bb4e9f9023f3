"""TensorShape's methods, as TF 2.21 prints them (observed on TF; the expected texts are
TF's repr of the result or its exception class and message)."""

from __future__ import annotations

import pytest

import tapeflow as tf

S = tf.TensorShape
CASES = [
    ("S([1,None]).assert_is_fully_defined()", "ValueError: Shape (1, None) is not fully defined"),
    ("S(None).assert_is_fully_defined()", "ValueError: Shape <unknown> is not fully defined"),
    (
        "S([1,2]).assert_same_rank(S([3]))",
        "ValueError: Shapes (1, 2) and (3,) must have the same rank",
    ),
    ("S([1,2]).assert_same_rank(S(None))", "None"),
    ("S([1,2]).assert_same_rank([3,4])", "None"),
    ("S([1,2]).ndims", "2"),
    ("S(None).ndims", "None"),
    ("S([1,2]).with_rank_at_least(3)", "ValueError: Shape (1, 2) must have rank at least 3"),
    ("S([1,2]).with_rank_at_least(1)", "TensorShape([1, 2])"),
    ("S(None).with_rank_at_least(2)", "TensorShape(None)"),
    ("S([1,2]).with_rank_at_most(1)", "ValueError: Shape (1, 2) must have rank at most 1"),
    ("S([1,2]).with_rank_at_most(3)", "TensorShape([1, 2])"),
    ("S([1,2]).most_specific_compatible_shape(S([1,3]))", "TensorShape([1, None])"),
    ("S([1,2]).most_specific_compatible_shape(S([1,2,3]))", "TensorShape(None)"),
    ("S([1,2]).most_specific_common_supertype([S([1,3])])", "TensorShape([1, None])"),
    ("S([1,2]).most_specific_common_supertype([S([1,2,3])])", "TensorShape(None)"),
    ("S([1,2]).is_subtype_of(S([1,None]))", "True"),
    ("S([1,None]).is_subtype_of(S([1,2]))", "False"),
    ("S([1,2]).is_subtype_of(S(None))", "True"),
    ("S(None).is_subtype_of(S([1]))", "False"),
    ("S([1,2]).with_rank(3)", "ValueError: Shape (1, 2) must have rank 3"),
    ("S([1,2]).merge_with(S([3,2]))", "ValueError: Shapes (1, 2) and (3, 2) are not compatible"),
    ("S([1,None]).merge_with([None, 4])", "TensorShape([1, 4])"),
    ("S([1,2]).concatenate([3])", "TensorShape([1, 2, 3])"),
    ("S([1,2]).concatenate(S(None))", "TensorShape(None)"),
    (
        "S([1,2]).assert_is_compatible_with(S([2,2]))",
        "ValueError: Shapes (1, 2) and (2, 2) are incompatible",
    ),
]


@pytest.mark.parametrize("code, expected", CASES)
def test_tensor_shape_matches_tf(code, expected):
    try:
        got = repr(eval(code, {"S": S}))
    except Exception as e:  # noqa: BLE001 - the class and text are compared
        got = f"{type(e).__name__}: {e}"
    assert got == expected
