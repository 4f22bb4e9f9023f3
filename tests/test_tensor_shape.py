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


# More of TensorShape, Dimension and tf.compat, each with what TF 2.21 printed (observed on
# TF 2.21): `OK <repr>` or `ERR <class> <message repr>`.
MORE = [
    (
        "S([1,None]).assert_is_fully_defined()",
        "ERR ValueError 'Shape (1, None) is not fully defined'",
    ),
    (
        "S([1,2]).assert_same_rank([3])",
        "ERR ValueError 'Shapes (1, 2) and (3,) must have the same rank'",
    ),
    ("S([1,2]).assert_same_rank(None)", "OK None"),
    ("S([1,2]).assert_has_rank(3)", "ERR ValueError 'Shape (1, 2) must have rank 3'"),
    ("S(None).assert_has_rank(3)", "OK None"),
    ("S([1,2]).assert_has_rank(2)", "OK None"),
    (
        "S([1,2]).assert_is_compatible_with([1,3])",
        "ERR ValueError 'Shapes (1, 2) and [1, 3] are incompatible'",
    ),
    (
        "S([1,2]).assert_is_compatible_with([1])",
        "ERR ValueError 'Shapes (1, 2) and [1] are incompatible'",
    ),
    ("S([1,None]).assert_is_compatible_with([1,3])", "OK None"),
    ("S([1,None]).merge_with([None,2])", "OK TensorShape([1, 2])"),
    (
        "S([1,2]).merge_with([1,3])",
        "ERR ValueError 'Shapes (1, 2) and (1, 3) are not compatible'",
    ),
    ("S([1,2]).merge_with([1])", "ERR ValueError 'Shapes (1, 2) and (1,) are not compatible'"),
    ("S(None).merge_with([1])", "OK TensorShape([1])"),
    ("S([1]).merge_with(None)", "OK TensorShape([1])"),
    ("S([1]).concatenate([2,None])", "OK TensorShape([1, 2, None])"),
    ("S([1]).concatenate(None)", "OK TensorShape(None)"),
    ("S(None).concatenate([1])", "OK TensorShape(None)"),
    ("S([1]).concatenate(3)", "OK TensorShape([1, 3])"),
    ("S([1,2]).most_specific_compatible_shape([1,3])", "OK TensorShape([1, None])"),
    ("S([1,2]).most_specific_compatible_shape([1])", "OK TensorShape(None)"),
    ("S([1,2]).most_specific_compatible_shape(None)", "OK TensorShape(None)"),
    ("S([1,2]).with_rank(2)", "OK TensorShape([1, 2])"),
    ("S([1,2]).with_rank(3)", "ERR ValueError 'Shape (1, 2) must have rank 3'"),
    ("S(None).with_rank(2)", "OK TensorShape([None, None])"),
    (
        "S([1,2]).with_rank_at_least(3)",
        "ERR ValueError 'Shape (1, 2) must have rank at least 3'",
    ),
    ("S([1,2]).with_rank_at_least(1)", "OK TensorShape([1, 2])"),
    ("S([1,2]).with_rank_at_most(1)", "ERR ValueError 'Shape (1, 2) must have rank at most 1'"),
    ("S(None).with_rank_at_most(1)", "OK TensorShape(None)"),
    ("S(None).with_rank_at_least(1)", "OK TensorShape(None)"),
    ("S([1,2]).is_subtype_of(S([1,None]))", "OK True"),
    ("S([1,None]).is_subtype_of(S([1,2]))", "OK False"),
    ("S([1,2]).is_subtype_of(S(None))", "OK True"),
    ("S(None).is_subtype_of(S([1]))", "OK False"),
    ("S([1,2]).is_subtype_of([1,None])", "OK False"),
    ("S([1,2]).num_elements()", "OK 2"),
    ("S([1,None]).num_elements()", "OK None"),
    ("S(None).num_elements()", "OK None"),
    ("S([]).num_elements()", "OK 1"),
    ("S([1,None]).dims", "OK [Dimension(1), Dimension(None)]"),
    ("S(None).dims", "OK None"),
    ("S([1,2]).ndims", "OK 2"),
    ("S(None).ndims", "OK None"),
    ("S(None).rank", "OK None"),
    ("S([1,2]).rank", "OK 2"),
    ("S([1]) + S([2])", "OK TensorShape([1, 2])"),
    ("S([1]) + [2]", "OK TensorShape([1, 2])"),
    ("[2] + S([1])", "OK TensorShape([2, 1])"),
    ("(2,) + S([1])", "OK TensorShape([2, 1])"),
    ("S([1]) + None", "OK TensorShape(None)"),
    ("S(None) + S([1])", "OK TensorShape(None)"),
    ("S([1,2,3])[1:]", "OK TensorShape([2, 3])"),
    ("S([1,2,3])[::-1]", "OK TensorShape([3, 2, 1])"),
    ("S([1,2,3])[-1]", "OK 3"),
    ("S(None)[1:]", "OK TensorShape(None)"),
    ("S(None)[0]", "OK None"),
    ("S([1,2])[5]", "ERR IndexError 'tuple index out of range'"),
    ("S([1,2])['a']", "ERR TypeError 'tuple indices must be integers or slices, not str'"),
    ("S([1,None]) == S([1,None])", "OK True"),
    ("S([1,None]) == [1,None]", "OK True"),
    ("S(None) == S(None)", "OK True"),
    ("S(None) == S([1])", "OK False"),
    ("S([1]) == (1,)", "OK True"),
    ("S([1]) == 1", "OK True"),
    ("S([1,None]) != S([1,None])", "OK False"),
    ("S([1,2]) == 'ab'", "OK False"),
    ("S([1,2]) == None", "OK False"),
    ("S([1,None]).is_compatible_with([1,5])", "OK True"),
    ("S(None).is_compatible_with([1,5])", "OK True"),
    ("S([1]).is_compatible_with([1,5])", "OK False"),
    ("S([1,2]).is_fully_defined()", "OK True"),
    ("S(None).is_fully_defined()", "OK False"),
    ("S([1,2]).as_list()", "OK [1, 2]"),
    ("str(S([None]))", "OK '(None,)'"),
    ("repr(S([None, 3]))", "OK 'TensorShape([None, 3])'"),
    ("str(S([]))", "OK '()'"),
    ("repr(S([]))", "OK 'TensorShape([])'"),
    ("S([]).rank", "OK 0"),
    ("S(3)", "OK TensorShape([3])"),
    ("S([-1])", "ERR ValueError 'Dimension -1 must be >= 0'"),
    (
        "S([1.5])",
        'ERR TypeError "Dimension value must be integer or None or have an'
        " __index__ method, got value '1.5' with type '<class 'float'>'\"",
    ),
    (
        "S('ab')",
        "ERR TypeError \"Failed to convert ''ab'' to a shape: ''a''could not be"
        " converted to a dimension. A shape should either be single dimension"
        ' (e.g. 10), or an iterable of dimensions (e.g. [1, 10, None])."',
    ),
    ("S([tf.compat.v1.Dimension(3)])", "OK TensorShape([3])"),
    ("hash(S([1,2])) == hash(S([1,2]))", "OK True"),
    ("len(S(None))", "ERR ValueError 'Cannot take the length of shape with unknown rank.'"),
    ("list(S(None))", "ERR ValueError 'Cannot iterate over a shape with unknown rank.'"),
    ("bool(S([]))", "OK True"),
    ("bool(S(None))", "OK False"),
    ("tf.compat.dimension_value(S([3, None])[0])", "OK 3"),
    ("tf.compat.dimension_value(None)", "OK None"),
    ("tf.compat.dimension_value(tf.compat.v1.Dimension(4))", "OK 4"),
    ("tf.compat.dimension_at_index(S([3, None]), 1)", "OK Dimension(None)"),
    ("tf.compat.dimension_at_index(S(None), 1)", "OK Dimension(None)"),
    ("tf.compat.dimension_at_index(S([3]), 2)", "ERR IndexError 'list index out of range'"),
    ("tf.compat.v1.Dimension(3)", "OK Dimension(3)"),
    ("tf.compat.v1.Dimension(None)", "OK Dimension(None)"),
    ("tf.compat.v1.Dimension(3) == 3", "OK True"),
    ("tf.compat.v1.Dimension(3).value", "OK 3"),
    ("S([1,2]).most_specific_common_supertype([S([1,3])])", "OK TensorShape([1, None])"),
    ("S([1,2]).most_specific_common_supertype([S([1])])", "OK TensorShape(None)"),
    ("S([1,None]).as_shape() if hasattr(S([1]), 'as_shape') else 'noattr'", "OK 'noattr'"),
    (
        "tf.TensorShape.from_proto",
        "ERR AttributeError \"type object 'TensorShape' has no attribute 'from_proto'\"",
    ),
    (
        "S([1,2]).__contains__",
        "ERR AttributeError \"'TensorShape' object has no attribute '__contains__'\"",
    ),
    ("S([1,2])[0:1] == S([1])", "OK True"),
    (
        "S([1,2]) < S([1,3])",
        "ERR TypeError \"'<' not supported between instances of 'TensorShape' and 'TensorShape'\"",
    ),
    ("tf.compat.v1.Dimension(3) + 1", "OK Dimension(4)"),
    ("tf.compat.v1.Dimension(None) + 1", "OK Dimension(None)"),
    ("tf.compat.v1.Dimension(3).is_compatible_with(4)", "OK False"),
    ("tf.compat.v1.Dimension(-1)", "ERR ValueError 'Dimension -1 must be >= 0'"),
    ("tf.compat.v1.Dimension(3) * 2", "OK Dimension(6)"),
    ("tf.compat.v1.Dimension(3) // 2", "OK Dimension(1)"),
    ("int(tf.compat.v1.Dimension(3))", "OK 3"),
    ("str(tf.compat.v1.Dimension(None))", "OK '?'"),
    ("repr(tf.compat.v1.Dimension(None))", "OK 'Dimension(None)'"),
    ("tf.compat.v1.Dimension(3).merge_with(None)", "OK Dimension(3)"),
    (
        "tf.compat.v1.Dimension(3).merge_with(4)",
        "ERR ValueError 'Dimensions 3 and 4 are not compatible'",
    ),
    (
        "tf.compat.v1.Dimension(3).assert_is_compatible_with(4)",
        "ERR ValueError 'Dimensions 3 and 4 are not compatible'",
    ),
    ("tf.compat.v1.dimension_value(S([3])[0])", "OK 3"),
    ("tf.compat.v1.Dimension(3) == None", "OK None"),
    ("tf.compat.v1.Dimension(None) == 3", "OK None"),
    ("S([1,2]).is_compatible_with(tf.constant([1, 2]))", "OK True"),
]


@pytest.mark.parametrize("code, expected", MORE)
def test_more_of_the_shape_api_matches_tf(code, expected):
    try:
        got = "OK " + repr(eval(code, {"S": S, "tf": tf}))
    except Exception as e:  # noqa: BLE001 - the class and text are compared
        got = f"ERR {type(e).__name__} {str(e)!r}"
    assert got == expected
