"""Generates tests/data/tf_array_goldens.json: TensorFlow's array ops, run for real.

Usage (TensorFlow lives in its own venv)::

    /tmp/tfvenv/bin/python tools/tf_goldens/make_array_goldens.py

Each case is literal code with ``tf`` and ``np`` predefined that leaves its result in ``out``;
the recorded results (values, dtypes, reprs, exception classes and messages) are compared with
tapeflow by tests/test_array_goldens.py.
"""

from __future__ import annotations

from family import DATA, import_tensorflow, write

OUTPUT = DATA / "tf_array_goldens.json"

G = "x = tf.reshape(tf.range(6.0), (3, 2))\n"
GRAD = "with tf.GradientTape() as t:\n    t.watch(x)\n    y = {}\nout = t.gradient(y, x)"

CASES = {
    # gather and its sparse gradient
    "gather_axis0": "out = tf.gather(tf.constant([10, 20, 30]), [2, 0])",
    "gather_axis1": G + "out = tf.gather(x, [[1, 0]], axis=1)",
    "gather_batch_dims": G + "out = tf.gather(x, [[0], [1], [1]], axis=1, batch_dims=1)",
    "gather_scalar_index": G + "out = tf.gather(x, 1)",
    "gather_oob": G + "out = tf.gather(x, [3])",
    "gather_negative": G + "out = tf.gather(x, [-1])",
    "gather_oob_2d": G + "out = tf.gather(x, [[5]], axis=1)",
    "gather_bad_axis": G + "out = tf.gather(x, [0], axis=2)",
    "gather_scalar_params": "out = tf.gather(tf.constant(1.0), [0])",
    "gather_grad_constant": G + GRAD.format("tf.gather(x, [0, 2, 0])"),
    "gather_grad_str": G + GRAD.format("tf.gather(x, [0, 2, 0])") + "\nout = str(out)",
    "gather_grad_dense": G
    + GRAD.format("tf.gather(x, [0, 2, 0])")
    + "\nout = tf.convert_to_tensor(out)",
    "gather_grad_variable": "v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])\n"
    "with tf.GradientTape() as t:\n    y = tf.gather(v, [[1], [1]]) * 2.0\n"
    "out = t.gradient(y, v)",
    "gather_grad_sparse_plus_sparse": "v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])\n"
    "with tf.GradientTape() as t:\n"
    "    y = tf.reduce_sum(tf.gather(v, [1])) + tf.reduce_sum(tf.gather(v, [0, 1]))\n"
    "out = t.gradient(y, v)",
    "gather_grad_sparse_plus_dense": "v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])\n"
    "with tf.GradientTape() as t:\n    y = tf.reduce_sum(tf.gather(v, [1])) + tf.reduce_sum(v)\n"
    "out = t.gradient(y, v)",
    "gather_grad_axis1_dense": G + GRAD.format("tf.gather(x, [1, 1], axis=1)"),
    "gather_grad_through_mul": G + GRAD.format("tf.gather(x * 2.0, [0])"),
    "gather_nd": G + "out = tf.gather_nd(x, [[2, 1], [0, 0]])",
    "gather_nd_rows": G + "out = tf.gather_nd(x, [[2], [0]])",
    "gather_nd_batch_dims": "out = tf.gather_nd(tf.reshape(tf.range(12), (2, 3, 2)), [[1], [2]], "
    "batch_dims=1)",
    "gather_nd_oob": G + "out = tf.gather_nd(x, [[3, 0]])",
    "gather_nd_grad_rows": G + GRAD.format("tf.gather_nd(x, [[0], [2]])"),
    "gather_nd_grad_elements": G + GRAD.format("tf.gather_nd(x, [[0, 1]])"),
    "scatter_nd": "out = tf.scatter_nd([[1], [1]], [1.0, 2.0], [3])",
    "scatter_nd_oob": "out = tf.scatter_nd([[3]], [1.0], [3])",
    "tensor_scatter_nd_update": G + "out = tf.tensor_scatter_nd_update(x, [[0]], [[7.0, 7.0]])",
    "tensor_scatter_nd_update_oob": G + "out = tf.tensor_scatter_nd_update(x, [[3]], [[1.0, 1.0]])",
    "tensor_scatter_nd_update_grad": G
    + GRAD.format("tf.tensor_scatter_nd_update(x, [[0]], [[7.0, 7.0]])"),
    "tensor_scatter_nd_add": G + "out = tf.tensor_scatter_nd_add(x, [[0, 0], [0, 0]], [1.0, 1.0])",
    "boolean_mask": G + "out = tf.boolean_mask(x, [True, False, True])",
    "boolean_mask_axis": "out = tf.boolean_mask(tf.reshape(tf.range(6), (2, 3)), "
    "[True, False, True], axis=1)",
    "boolean_mask_bad_shape": G + "out = tf.boolean_mask(x, [True, False])",
    "boolean_mask_scalar": G + "out = tf.boolean_mask(x, True)",
    "boolean_mask_grad": G + GRAD.format("tf.boolean_mask(x, [True, False, True])"),
    "one_hot": "out = tf.one_hot([0, 2, -1, 5], 3)",
    "one_hot_axis0": "out = tf.one_hot([0, 2], 3, axis=0)",
    "one_hot_values": "out = tf.one_hot([0, 2], 3, on_value=5, off_value=-1)",
    "one_hot_values_dtype": "out = tf.one_hot([0, 2], 3, on_value=5.0, off_value=-1, "
    "dtype=tf.float64)",
    "one_hot_mismatch": "out = tf.one_hot([0, 2], 3, on_value=5, off_value=-1.0)",
    "one_hot_dtype": "out = tf.one_hot([0, 2], 3, dtype=tf.int32)",
    "one_hot_bad_axis": "out = tf.one_hot([0, 2], 3, axis=3)",
    "sequence_mask": "out = tf.sequence_mask([1, 3, 2], 5)",
    "sequence_mask_no_maxlen": "out = tf.sequence_mask([[1, 3], [2, 0]])",
    "sequence_mask_dtype": "out = tf.sequence_mask([1, 3], 4, dtype=tf.float32)",
    # layout
    "tile": G + "out = tf.tile(x, [2, 1])",
    "tile_bad_length": G + "out = tf.tile(x, [2])",
    "tile_negative": G + "out = tf.tile(x, [-1, 1])",
    "tile_grad": G + GRAD.format("tf.tile(x, [2, 3])"),
    "pad_constant": G + "out = tf.pad(x, [[1, 0], [0, 2]], constant_values=7)",
    "pad_reflect": G + "out = tf.pad(x, [[1, 1], [1, 1]], 'REFLECT')",
    "pad_symmetric": G + "out = tf.pad(x, [[1, 1], [2, 2]], 'symmetric')",
    "pad_reflect_too_big": G + "out = tf.pad(x, [[0, 0], [2, 0]], 'REFLECT')",
    "pad_symmetric_too_big": G + "out = tf.pad(x, [[4, 0], [0, 0]], 'SYMMETRIC')",
    "pad_bad_mode": G + "out = tf.pad(x, [[1, 1], [2, 2]], 'WRAP')",
    "pad_negative": G + "out = tf.pad(x, [[-1, 0], [0, 0]])",
    "pad_bad_rank": G + "out = tf.pad(x, [[1, 0]])",
    "pad_bad_columns": G + "out = tf.pad(x, [1, 0])",
    "pad_reflect_grad": G + GRAD.format("tf.pad(x, [[2, 1], [1, 1]], 'REFLECT')"),
    "pad_symmetric_grad": G + GRAD.format("tf.pad(x, [[3, 1], [0, 2]], 'SYMMETRIC')"),
    "reverse": G + "out = tf.reverse(x, [-1, 0])",
    "reverse_repeated": G + "out = tf.reverse(x, [1, -1])",
    "reverse_oob": G + "out = tf.reverse(x, [2])",
    "roll": G + "out = tf.roll(x, 1, 1)",
    "roll_same_axis": G + "out = tf.roll(x, [1, 1], [1, 1])",
    "roll_mismatch": G + "out = tf.roll(x, [1, 1], [1])",
    "slice": G + "out = tf.slice(x, [0, 1], [-1, 1])",
    "slice_oob": G + "out = tf.slice(x, [0, 1], [4, 1])",
    "slice_negative_begin": G + "out = tf.slice(x, [-1, 0], [1, 2])",
    "slice_bad_length": G + "out = tf.slice(x, [0], [1, 2])",
    "strided_slice": G + "out = tf.strided_slice(x, [0, 1], [3, 2], [2, 1])",
    "strided_slice_masks": "out = tf.strided_slice(tf.reshape(tf.range(24), (2, 3, 4)), "
    "[1, 0, 0], [2, 3, 4], begin_mask=6, end_mask=6, shrink_axis_mask=1)",
    "strided_slice_ellipsis": "out = tf.strided_slice(tf.reshape(tf.range(24), (2, 3, 4)), "
    "[0, 1], [0, 2], ellipsis_mask=1, shrink_axis_mask=2)",
    "strided_slice_new_axis": G + "out = tf.strided_slice(x, [0, 0], [0, 0], new_axis_mask=1, "
    "ellipsis_mask=2)",
    "strided_slice_zero_stride": G + "out = tf.strided_slice(x, [0], [1], [0])",
    "strided_slice_mismatch": G + "out = tf.strided_slice(x, [0, 0], [1])",
    "repeat": "out = tf.repeat([[1, 2], [3, 4]], 2)",
    "repeat_axis": "out = tf.repeat([[1, 2], [3, 4]], [1, 2], axis=0)",
    "repeat_bad": "out = tf.repeat([[1, 2], [3, 4]], [1, 2, 3], axis=0)",
    "repeat_grad": G + GRAD.format("tf.repeat(x, 2, axis=0)"),
    "meshgrid_xy": "out = tf.meshgrid([1, 2, 3], [4, 5])",
    "meshgrid_ij": "out = tf.meshgrid([1, 2, 3], [4, 5], indexing='ij')",
    "meshgrid_bad": "out = tf.meshgrid([1, 2, 3], [4, 5], indexing='xx')",
    # ordering
    "sort": "out = tf.sort([3, 1, 2])",
    "sort_descending": "out = tf.sort([3.0, 1.0, 2.0, 1.0], direction='DESCENDING')",
    "sort_bad_direction": "out = tf.sort([3, 1, 2], direction='UP')",
    "sort_nan": "out = tf.sort([3.0, float('nan'), 1.0])",
    "sort_bad_axis": "out = tf.sort([3, 1, 2], axis=1)",
    "sort_grad": G + GRAD.format("tf.sort(x, axis=0) * tf.constant([[1.0, 2], [3, 4], [5, 6]])"),
    "argsort": "out = tf.argsort([3.0, 1.0, 2.0, 1.0])",
    "argsort_descending": "out = tf.argsort([3.0, 1.0, 2.0, 1.0], direction='DESCENDING')",
    "argsort_axis0": "out = tf.argsort([[3.0, 1.0], [2.0, 1.0]], axis=0)",
    "unique": "out = tf.unique([1, 1, 2, 4, 4, 4, 7, 8, 8])",
    "unique_fields": "u = tf.unique([3.0, 1.0, 3.0], out_idx=tf.int64)\nout = [u.y, u.idx]",
    "unique_2d": "out = tf.unique([[1, 2]])",
    # contractions
    "einsum_matmul": G + "out = tf.einsum('ij,kj->ik', x, x)",
    "einsum_ellipsis": G + "out = tf.einsum('...j,j->...', x, tf.constant([1.0, 2.0]))",
    "einsum_implicit": G + "out = tf.einsum('ij,kj', x, x)",
    "einsum_diagonal": "out = tf.einsum('ii->i', tf.constant([[1.0, 2.0], [3.0, 4.0]]))",
    "einsum_broadcast": "out = tf.einsum('...ij,...jk->...ik', tf.ones((2, 1, 3, 4)), "
    "tf.ones((5, 4, 2))).shape",
    "einsum_mismatch": G + "out = tf.einsum('ij,jk->ik', x, x)",
    "einsum_operand_count": G + "out = tf.einsum('ij,jk->ik', x)",
    "einsum_grad": G + GRAD.format("tf.einsum('ij,kj->ik', x, x * x)"),
    "einsum_grad_diagonal": "x = tf.constant([[1.0, 2.0], [3.0, 4.0]])\n"
    + GRAD.format("tf.einsum('ii->i', x) * tf.constant([1.0, 5.0])"),
    "tensordot_int": G + "out = tf.tensordot(x, tf.transpose(x), 1)",
    "tensordot_pair": G + "out = tf.tensordot(x, x, [[0], [0]])",
    "tensordot_outer": "out = tf.tensordot([1.0, 2.0], [3.0, 4.0], 0)",
    "tensordot_mismatch": G + "out = tf.tensordot(x, x, 1)",
    # __getitem__ (TF reads a list as a tuple and a boolean tensor as a mask)
    "getitem_list": "out = tf.reshape(tf.range(6), (2, 3))[[0, 1]]",
    "getitem_bool_tensor": "x = tf.reshape(tf.range(6), (2, 3))\nout = x[x > 2]",
    "getitem_bool_rows": "out = tf.reshape(tf.range(6), (2, 3))[tf.constant([True, False])]",
    "getitem_python_bool": "out = tf.reshape(tf.range(6), (2, 3))[True]",
    "getitem_int_vector": "out = tf.reshape(tf.range(6), (2, 3))[tf.constant([0, 1])]",
    "getitem_numpy_array": "out = tf.reshape(tf.range(6), (2, 3))[np.array([0, 1])]",
    "getitem_numpy_int": "out = tf.reshape(tf.range(6), (2, 3))[np.int64(1)]",
    "getitem_tensor_slice": "out = tf.reshape(tf.range(6), (2, 3))[tf.constant(0):tf.constant(1)]",
    "getitem_zero_step": "out = tf.reshape(tf.range(6), (2, 3))[0, ::0]",
    "getitem_two_ellipses": "out = tf.reshape(tf.range(6), (2, 3))[..., ...]",
    "getitem_scalar_ellipsis": "out = tf.constant(1.0)[...]",
    "getitem_negative_oob": "out = tf.constant([1, 2, 3])[-5]",
    "getitem_scalar": "out = tf.constant(1.0)[0]",
    "getitem_too_many": "out = tf.reshape(tf.range(6), (2, 3))[:, :, :]",
    "getitem_grad_bool_mask": G + GRAD.format("x[x > 2.0]"),
    # creation
    "range_dtype_inference": "out = [tf.range(3), tf.range(3.0), tf.range(0, 2.5), "
    "tf.range(tf.constant(3, tf.int64))]",
    "range_negative": "out = tf.range(5, 0, -2)",
    "range_bad_direction": "out = tf.range(0, 5, -1)",
    "linspace_int": "out = tf.linspace(0, 10, 4)",
    "linspace_float64": "out = tf.linspace(tf.constant(0.0, tf.float64), 1.0, 3)",
    "linspace_zero": "out = tf.linspace(0.0, 1.0, 0)",
    "zeros_dtype": "out = [tf.zeros([2], tf.int64), tf.ones((1, 2), dtype=tf.bool)]",
}


def main() -> None:
    """Runs every case under TensorFlow and writes the golden file."""
    tf = import_tensorflow()
    from tf_golden_util import run_case  # tests/ is on sys.path once family is imported

    goldens = {name: {**run_case(code, tf), "code": code} for name, code in CASES.items()}
    document = {"header": {"tensorflow_version": tf.__version__}, "cases": goldens}
    write(OUTPUT, document, len(goldens), ensure_ascii=False)


if __name__ == "__main__":
    main()
