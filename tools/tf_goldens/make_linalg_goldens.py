"""Writes tests/data/tf_linalg_goldens.json from real TensorFlow (run in the TF venv).

    /tmp/tfvenv/bin/python tools/tf_goldens/make_linalg_goldens.py

Each case is a function of the `tf` module returning a dict of results (tensors or lists
of tensors, or an exception description); tests/test_linalg_ops.py imports the same
functions and runs them with tapeflow. Inputs are literals, so the goldens are deterministic.
Keys starting with "up_to_sign" hold singular/eigen vectors: TF's Eigen kernels choose each
vector's sign by no reproducible rule, so those are compared column by column up to sign.
"""

from __future__ import annotations

import numpy as np

A = [[4.0, 1.0, -2.0], [1.0, 3.0, 0.5], [-2.0, 0.5, 5.0]]  # symmetric positive definite
B = [[1.0, 2.0, 0.0], [-1.0, 0.5, 3.0], [2.0, 1.0, 1.0]]  # general, invertible
TALL = [[1.0, 2.0], [3.0, -1.0], [0.5, 4.0], [2.0, 2.0]]
WIDE = [[1.0, 2.0, 3.0, -1.0], [0.5, 4.0, 2.0, 2.0]]
RHS = [[1.0, 0.5], [-2.0, 1.0], [0.0, 3.0]]
W3 = [[0.3, -1.2, 0.7], [1.1, 0.4, -0.6], [-0.2, 0.9, 1.5]]
W42 = [[0.3, -1.2], [1.1, 0.4], [-0.2, 0.9], [0.5, -0.7]]
W24 = [[0.3, -1.2, 1.1, 0.4], [-0.2, 0.9, 0.5, -0.7]]


def _grad(tf, fn, *inputs):
    xs = [tf.constant(np.array(x, np.float64)) for x in inputs]
    with tf.GradientTape() as tape:
        for x in xs:
            tape.watch(x)
        y = fn(*xs)
    return {"value": y, "grads": tape.gradient(y, xs)}


def _error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - recording the error is the point
        # TF's eager messages start with a {{function_node ...}} prefix and end with " name: ...".
        message = str(e).split("}}", 1)[-1].split(" name:")[0].strip()
        return {"error": type(e).__name__, "message": message}
    return {"error": None}


def _f64(tf, x):
    return tf.constant(np.array(x, np.float64))


CASES = {
    "inv": lambda tf: _grad(tf, lambda a: tf.reduce_sum(tf.linalg.inv(a) * W3), B),
    "inv_adjoint": lambda tf: _grad(
        tf, lambda a: tf.reduce_sum(tf.linalg.inv(a, adjoint=True) * W3), B
    ),
    "det": lambda tf: _grad(tf, tf.linalg.det, B),
    "slogdet": lambda tf: _grad(tf, lambda a: tf.linalg.slogdet(a)[1] + tf.linalg.slogdet(a)[0], B),
    "logdet": lambda tf: _grad(tf, tf.linalg.logdet, A),
    "solve": lambda tf: _grad(tf, lambda a, b: tf.reduce_sum(tf.linalg.solve(a, b) ** 2), B, RHS),
    "solve_adjoint": lambda tf: _grad(
        tf, lambda a, b: tf.reduce_sum(tf.linalg.solve(a, b, adjoint=True) ** 2), B, RHS
    ),
    "cholesky": lambda tf: _grad(tf, lambda a: tf.reduce_sum(tf.linalg.cholesky(a) * W3), A),
    "triangular_solve": lambda tf: _grad(
        tf, lambda a, b: tf.reduce_sum(tf.linalg.triangular_solve(a, b) ** 2), B, RHS
    ),
    "triangular_solve_upper_adjoint": lambda tf: _grad(
        tf,
        lambda a, b: tf.reduce_sum(
            tf.linalg.triangular_solve(a, b, lower=False, adjoint=True) ** 2
        ),
        B,
        RHS,
    ),
    "qr_square": lambda tf: {
        "qr": list(tf.linalg.qr(_f64(tf, B))),
        **_grad(
            tf,
            lambda a: (
                tf.reduce_sum(tf.linalg.qr(a)[0] * W3) + tf.reduce_sum(tf.linalg.qr(a)[1] * W3)
            ),
            B,
        ),
    },
    "qr_tall": lambda tf: {
        "qr": list(tf.linalg.qr(_f64(tf, TALL))),
        **_grad(
            tf,
            lambda a: (
                tf.reduce_sum(tf.linalg.qr(a)[0] * W42) + tf.reduce_sum(tf.linalg.qr(a)[1] ** 2)
            ),
            TALL,
        ),
    },
    "qr_wide": lambda tf: {
        "qr": list(tf.linalg.qr(_f64(tf, WIDE))),
        **_grad(
            tf,
            lambda a: (
                tf.reduce_sum(tf.linalg.qr(a)[1] * W24) + tf.reduce_sum(tf.linalg.qr(a)[0] ** 3)
            ),
            WIDE,
        ),
    },
    "qr_full_tall": lambda tf: {"qr": list(tf.linalg.qr(_f64(tf, TALL), full_matrices=True))},
    "svd_values": lambda tf: _grad(tf, lambda a: tf.linalg.svd(a, compute_uv=False), TALL),
    "svd_square": lambda tf: {
        "up_to_sign": list(tf.linalg.svd(_f64(tf, B))[1:]),
        **_grad(
            tf,
            lambda a: (
                tf.reduce_sum(tf.linalg.svd(a)[1] ** 2 * W3)
                + tf.reduce_sum(tf.linalg.svd(a)[0] * [1.0, 2.0, 3.0])
            ),
            B,
        ),
    },
    "svd_tall": lambda tf: {
        "up_to_sign": list(tf.linalg.svd(_f64(tf, TALL))[1:]),
        **_grad(
            tf,
            lambda a: (
                tf.reduce_sum(tf.linalg.svd(a)[1] ** 2 * W42)
                + tf.reduce_sum(tf.linalg.svd(a)[2] ** 2 * W3[0][:2])
            ),
            TALL,
        ),
    },
    "svd_wide": lambda tf: {
        "up_to_sign": list(tf.linalg.svd(_f64(tf, WIDE))[1:]),
        **_grad(tf, lambda a: tf.reduce_sum(tf.linalg.svd(a)[2] ** 2 * W42), WIDE),
    },
    "eigh": lambda tf: {
        "up_to_sign": [tf.linalg.eigh(_f64(tf, B))[1]],
        **_grad(
            tf,
            lambda a: (
                tf.reduce_sum(tf.linalg.eigh(a)[0] * [1.0, 2.0, 3.0])
                + tf.reduce_sum(tf.linalg.eigh(a)[1] ** 2 * W3)
            ),
            B,
        ),
    },
    "eigvalsh": lambda tf: _grad(tf, lambda a: tf.linalg.eigvalsh(a) * [1.0, -2.0, 0.5], B),
    "norm_fro": lambda tf: _grad(tf, lambda a: tf.norm(a), B),
    "norm_2_matrix": lambda tf: _grad(tf, lambda a: tf.norm(a, ord=2, axis=[0, 1]), B),
    "norm_1_matrix": lambda tf: _grad(tf, lambda a: tf.norm(a, ord=1, axis=[-2, -1]), B),
    "norm_inf_vector": lambda tf: _grad(
        tf, lambda a: tf.norm(a, ord=np.inf, axis=1, keepdims=True), B
    ),
    "norm_3_vector": lambda tf: _grad(tf, lambda a: tf.norm(a, ord=3, axis=0), B),
    "lstsq": lambda tf: _grad(
        tf,
        lambda a, b: tf.reduce_sum(tf.linalg.lstsq(a, b) ** 2),
        TALL,
        [[1.0], [2.0], [0.0], [-1.0]],
    ),
    "lstsq_l2_wide": lambda tf: _grad(
        tf,
        lambda a, b: tf.reduce_sum(tf.linalg.lstsq(a, b, l2_regularizer=0.3) ** 2),
        WIDE,
        [[1.0], [2.0]],
    ),
    "trace_diag_band": lambda tf: _grad(
        tf,
        lambda a: (
            tf.linalg.trace(a)
            + tf.reduce_sum(tf.linalg.band_part(a, 1, 0) * W3)
            + tf.reduce_sum(tf.linalg.diag(tf.linalg.diag_part(a)) * W3)
        ),
        B,
    ),
    "cross_matvec": lambda tf: _grad(
        tf,
        lambda a, b: tf.reduce_sum(tf.linalg.cross(a[0], b) * tf.linalg.matvec(a, b)),
        B,
        [0.5, -1.0, 2.0],
    ),
    "err_inv_singular": lambda tf: _error(lambda: tf.linalg.inv([[1.0, 2.0], [2.0, 4.0]])),
    "err_inv_nonsquare": lambda tf: _error(lambda: tf.linalg.inv(tf.ones((2, 3)))),
    "err_det_rank": lambda tf: _error(lambda: tf.linalg.det(tf.ones((3,)))),
    "err_cholesky_nonsquare": lambda tf: _error(lambda: tf.linalg.cholesky(tf.ones((2, 3)))),
    "err_solve_singular": lambda tf: _error(
        lambda: tf.linalg.solve([[1.0, 2.0], [2.0, 4.0]], tf.ones((2, 1)))
    ),
    "err_solve_incompatible": lambda tf: _error(
        lambda: tf.linalg.solve(tf.eye(2), tf.ones((3, 1)))
    ),
    "err_svd_rank": lambda tf: _error(lambda: tf.linalg.svd(tf.ones((2,)))),
    "err_eigh_nonsquare": lambda tf: _error(lambda: tf.linalg.eigh(tf.ones((2, 3)))),
    "err_band_part": lambda tf: _error(lambda: tf.linalg.band_part(tf.ones((3, 3)), 5, -1)),
    "err_cross_size": lambda tf: _error(lambda: tf.linalg.cross(tf.ones((2,)), tf.ones((2,)))),
    "err_diag_part_rank": lambda tf: _error(lambda: tf.linalg.diag_part(tf.ones((2,)))),
    "err_norm_ord": lambda tf: _error(lambda: tf.norm(tf.ones((2, 3)), ord="nuc", axis=[0, 1])),
    "cholesky_not_pd_is_nan": lambda tf: {
        "value": tf.linalg.cholesky([[1.0, 2.0], [2.0, 1.0]])[:, 0]
    },
}


def encode(obj):
    """Tensors become {"dtype", "value"}; lists recurse; None and plain data stay."""
    if obj is None or isinstance(obj, (str, int, float)):
        return obj
    if isinstance(obj, dict):
        return {k: encode(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [encode(v) for v in obj]
    value = np.asarray(obj.numpy())
    return {
        "dtype": obj.dtype.name,
        "value": np.where(np.isnan(value), 0.0, value).tolist(),
        "nan": np.isnan(value).tolist(),
    }


def main() -> None:
    # Imported here: tests/test_linalg_ops.py loads this module (CASES, encode) by file path,
    # without tools/tf_goldens on sys.path.
    from family import DATA, import_tensorflow, write

    tf = import_tensorflow(log_level="3")
    out = {
        "tensorflow": tf.__version__,
        "cases": {name: encode(fn(tf)) for name, fn in CASES.items()},
    }
    write(DATA / "tf_linalg_goldens.json", out, len(CASES))


if __name__ == "__main__":
    main()
