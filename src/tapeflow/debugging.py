"""`tf.debugging`: the public debugging namespace (explicit re-exports, no logic).

The debug family and the numerics checks load on first use (_lazy.py)."""

from . import _lazy

_lazy.install(
    globals(),
    {
        **_lazy.names(
            "tapeflow._diagnostics.numerics", "disable_check_numerics enable_check_numerics"
        ),
        **_lazy.names(
            "tapeflow.ops.debug_ops",
            "Assert assert_all_finite assert_equal assert_greater assert_greater_equal "
            "assert_integer assert_less assert_less_equal assert_near assert_negative "
            "assert_non_negative assert_non_positive assert_none_equal assert_positive "
            "assert_proper_iterable assert_rank assert_rank_at_least assert_rank_in "
            "assert_same_float_dtype assert_scalar assert_shapes assert_type check_numerics "
            "is_numeric_tensor",
        ),
    },
)
