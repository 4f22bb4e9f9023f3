"""Issue 10's convolution kernels: Conv2D, Conv2DBackpropFilter and Conv2DBackpropInput timed
for Keras-like shapes (float32, NHWC, batch 32), single-threaded, for

- `tapeflow`: the registered ops called on tensors (dispatch included, no tape), and with
  `--against` the same ops from another tree (`before`), in the same process,
- `numpy`: the best formulation written by hand here: im2col through
  `sliding_window_view` + one matmul for the forward and the filter gradient; for the input
  gradient the fastest of one matmul + a col2im of KH*KW strided adds, the same with one
  product per tap (one batched matmul call), and a convolution of the zero-stuffed, padded
  cotangent with the flipped filter (one im2col + one matmul),
- `tf` (`--tf-python`, an interpreter with TensorFlow): `tf.raw_ops` eagerly, in its own
  process.

Each kernel is timed as the minimum over `--rounds` rounds of the mean of a few calls (the
machine is shared and noisy: the minimum is the figure least disturbed by other jobs).

Run:  python benchmarks/conv_grad.py [--rounds 7] [--tf-python PY] [--against OLD/src]
      [--out FILE.md]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import pathlib  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from numpy.lib.stride_tricks import sliding_window_view  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]

# (label, input NHWC, filter HWIO, strides, padding, dilations)
SHAPES = [
    ("28x28x1 -> 3x3x32, s1 SAME", (32, 28, 28, 1), (3, 3, 1, 32), 1, "SAME", 1),
    ("28x28x1 -> 3x3x32, s1 VALID", (32, 28, 28, 1), (3, 3, 1, 32), 1, "VALID", 1),
    ("28x28x1 -> 3x3x32, s2 SAME", (32, 28, 28, 1), (3, 3, 1, 32), 2, "SAME", 1),
    ("14x14x32 -> 3x3x64, s1 SAME", (32, 14, 14, 32), (3, 3, 32, 64), 1, "SAME", 1),
    ("14x14x32 -> 3x3x64, s1 VALID", (32, 14, 14, 32), (3, 3, 32, 64), 1, "VALID", 1),
    ("14x14x32 -> 3x3x64, s2 SAME", (32, 14, 14, 32), (3, 3, 32, 64), 2, "SAME", 1),
    ("14x14x32 -> 3x3x64, d2 SAME", (32, 14, 14, 32), (3, 3, 32, 64), 1, "SAME", 2),
]
KERNELS = ("forward", "backprop filter", "backprop input")


def best_ms(fn, rounds: int) -> float:
    """Min over rounds of the mean time of a call, in ms."""
    return interleaved([fn], rounds)[0]


def interleaved(fns, rounds: int) -> list:
    """Min over rounds of each fn's mean call time in ms; each round times every fn in turn
    (calls per round fit ~20 ms), so load from other jobs falls on all of them alike."""
    calls = []
    for fn in fns:
        fn()
        t0 = time.perf_counter()
        fn()
        calls.append(max(1, min(50, int(0.02 / max(time.perf_counter() - t0, 1e-6)))))
    best = [float("inf")] * len(fns)
    for _ in range(rounds):
        for i, fn in enumerate(fns):
            t0 = time.perf_counter()
            for _ in range(calls[i]):
                fn()
            best[i] = min(best[i], (time.perf_counter() - t0) / calls[i])
    return [b * 1e3 for b in best]


def same_pads(size, k, s, d):
    out = -(-size // s)
    total = max((out - 1) * s + (k - 1) * d + 1 - size, 0)
    return (total // 2, total - total // 2)


def geometry(in_shape, f_shape, stride, padding, dilation):
    kh, kw = f_shape[:2]
    if padding == "SAME":
        pads = [same_pads(n, k, stride, dilation) for n, k in zip(in_shape[1:3], (kh, kw))]
    else:
        pads = [(0, 0), (0, 0)]
    out = [
        (n + p[0] + p[1] - (k - 1) * dilation - 1) // stride + 1
        for n, k, p in zip(in_shape[1:3], (kh, kw), pads)
    ]
    return pads, out


def im2col(x, kh, kw, s, d, pads, oh, ow):
    """(N, H, W, C) -> (N*OH*OW, KH*KW*C): one copy of the padded input's windows (for one
    channel, copied along the output width: a column-major matrix, ~10x faster to gather)."""
    if any(any(p) for p in pads):
        x = np.pad(x, [(0, 0), pads[0], pads[1], (0, 0)])
    view = sliding_window_view(x, ((kh - 1) * d + 1, (kw - 1) * d + 1), axis=(1, 2))
    view = view[:, : (oh - 1) * s + 1 : s, : (ow - 1) * s + 1 : s, :, ::d, ::d]
    if x.shape[3] == 1:
        return np.ascontiguousarray(view.transpose(3, 4, 5, 0, 1, 2)).reshape(kh * kw, -1).T
    return view.transpose(0, 1, 2, 4, 5, 3).reshape(-1, kh * kw * x.shape[3])


def numpy_kernels(x, w, dy, s, d, pads, out_hw):
    n, h, wd, c = x.shape
    kh, kw, _, o = w.shape
    oh, ow = out_hw

    def forward():
        return (im2col(x, kh, kw, s, d, pads, oh, ow) @ w.reshape(-1, o)).reshape(n, oh, ow, o)

    def backprop_filter():
        cols = im2col(x, kh, kw, s, d, pads, oh, ow)
        return (cols.T @ dy.reshape(-1, o)).reshape(w.shape)

    def backprop_input_col2im():
        cols = (dy.reshape(-1, o) @ w.reshape(-1, o).T).reshape(n, oh, ow, kh, kw, c)
        (pt, pb), (pl, pr) = pads
        rows = max(h + pt + pb, (kh - 1) * d + (oh - 1) * s + 1)
        columns = max(wd + pl + pr, (kw - 1) * d + (ow - 1) * s + 1)
        out = np.zeros((n, rows, columns, c), x.dtype)
        for i in range(kh):
            for j in range(kw):
                top, left = i * d, j * d
                out[:, top : top + (oh - 1) * s + 1 : s, left : left + (ow - 1) * s + 1 : s] += (
                    cols[:, :, :, i, j]
                )
        return out[:, pt : pt + h, pl : pl + wd]

    def backprop_input_per_tap():
        # One (M, O) @ (O, C) product per tap in one matmul call, then the same adds, now of
        # contiguous blocks.
        taps = np.matmul(dy.reshape(-1, o), w.reshape(kh * kw, c, o).transpose(0, 2, 1))
        taps = taps.reshape(kh, kw, n, oh, ow, c)
        (pt, pb), (pl, pr) = pads
        rows = max(h + pt + pb, (kh - 1) * d + (oh - 1) * s + 1)
        columns = max(wd + pl + pr, (kw - 1) * d + (ow - 1) * s + 1)
        out = np.zeros((n, rows, columns, c), x.dtype)
        for i in range(kh):
            for j in range(kw):
                top, left = i * d, j * d
                out[:, top : top + (oh - 1) * s + 1 : s, left : left + (ow - 1) * s + 1 : s] += (
                    taps[i, j]
                )
        return out[:, pt : pt + h, pl : pl + wd]

    def backprop_input_flipped():
        # dx = dy (zero-stuffed by the stride) padded by the filter's reach, convolved with
        # the filter flipped in space and transposed in channels.
        (pt, _), (pl, _) = pads
        stuffed = np.zeros((n, (oh - 1) * s + 1, (ow - 1) * s + 1, o), dy.dtype)
        stuffed[:, ::s, ::s] = dy
        reach_h, reach_w = (kh - 1) * d, (kw - 1) * d
        top, left = reach_h - pt, reach_w - pl
        bottom = h + reach_h - top - stuffed.shape[1]
        right = wd + reach_w - left - stuffed.shape[2]
        stuffed = np.pad(stuffed, [(0, 0), (top, bottom), (left, right), (0, 0)])
        flipped = np.ascontiguousarray(w[::-1, ::-1].transpose(0, 1, 3, 2)).reshape(-1, c)
        cols = im2col(stuffed, kh, kw, 1, d, [(0, 0), (0, 0)], h, wd)
        return (cols @ flipped).reshape(n, h, wd, c)

    for variant in (backprop_input_per_tap, backprop_input_flipped):
        np.testing.assert_allclose(backprop_input_col2im(), variant(), rtol=1e-4, atol=1e-3)
    inputs = (backprop_input_col2im, backprop_input_per_tap, backprop_input_flipped)
    return forward, backprop_filter, inputs


def load_tapeflow(src):
    """Imports tapeflow from the tree `src` as a private copy (two trees can sit side by side)."""
    sys.path.insert(0, str(src))
    try:
        import tapeflow
        from tapeflow.ops import conv_ops
    finally:
        sys.path.remove(str(src))
        for name in [m for m in sys.modules if m == "tapeflow" or m.startswith("tapeflow.")]:
            del sys.modules[name]
    return tapeflow, conv_ops


def tapeflow_kernels(lib, x, w, dy, stride, padding, dilation):
    tf, conv_ops = lib
    geo = conv_ops._conv_geometry(x.shape, w.shape, stride, padding, "NHWC", dilation, "Conv2D")
    xt, wt, dyt = tf.constant(x), tf.constant(w), tf.constant(dy)
    return (
        lambda: conv_ops._conv2d(xt, wt, **geo),
        lambda: conv_ops._conv2d_backprop_filter(xt, dyt, filter_hw=w.shape[:2], **geo),
        lambda: conv_ops._conv2d_backprop_input(wt, dyt, input_hw=x.shape[1:3], **geo),
    )


TF_CHILD = r"""
import os, sys, json, time
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ["TF_NUM_INTRAOP_THREADS"] = "1"; os.environ["TF_NUM_INTEROP_THREADS"] = "1"
import numpy as np
import tensorflow as tf
tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)
shapes, rounds = json.loads(sys.argv[1]), int(sys.argv[2])
sys.path.insert(0, sys.argv[3])
from conv_grad import best_ms
out = []
for in_shape, f_shape, out_shape, stride, padding, dilation in shapes:
    rng = np.random.default_rng(0)
    x = tf.constant(rng.normal(size=in_shape).astype("float32"))
    w = tf.constant(rng.normal(size=f_shape).astype("float32"))
    dy = tf.constant(rng.normal(size=out_shape).astype("float32"))
    geo = dict(strides=[1, stride, stride, 1], padding=padding,
               dilations=[1, dilation, dilation, 1])
    fs = tf.constant(f_shape, tf.int32); xs = tf.constant(in_shape, tf.int32)
    out.append([
        best_ms(lambda: tf.raw_ops.Conv2D(input=x, filter=w, **geo).numpy(), rounds),
        best_ms(lambda: tf.raw_ops.Conv2DBackpropFilter(
            input=x, filter_sizes=fs, out_backprop=dy, **geo).numpy(), rounds),
        best_ms(lambda: tf.raw_ops.Conv2DBackpropInput(
            input_sizes=xs, filter=w, out_backprop=dy, **geo).numpy(), rounds),
    ])
print(json.dumps(out))
"""


def run_tf(python, cases, rounds):
    env = dict(os.environ, PYTHONHASHSEED="0")
    out = subprocess.run(
        [python, "-c", TF_CHILD, json.dumps(cases), str(rounds), str(ROOT / "benchmarks")],
        capture_output=True,
        text=True,
        env=env,
        timeout=3600,
    )
    if out.returncode != 0:
        print(out.stderr[-2000:], file=sys.stderr)
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--tf-python", default=None, help="an interpreter with TensorFlow")
    parser.add_argument("--out", default=None, help="also write the table to this file")
    parser.add_argument("--against", default=None, help="another tree's src/ to time as 'before'")
    args = parser.parse_args()
    ours_lib = load_tapeflow(ROOT / "src")
    before_lib = load_tapeflow(args.against) if args.against else None
    rows, tf_cases = [], []
    for label, in_shape, f_shape, stride, padding, dilation in SHAPES:
        rng = np.random.default_rng(0)
        x = rng.normal(size=in_shape).astype("float32")
        w = rng.normal(size=f_shape).astype("float32")
        pads, out_hw = geometry(in_shape, f_shape, stride, padding, dilation)
        out_shape = (in_shape[0], *out_hw, f_shape[3])
        dy = rng.normal(size=out_shape).astype("float32")
        hand_f, hand_bf, hand_bi = numpy_kernels(x, w, dy, stride, dilation, pads, out_hw)
        ours = tapeflow_kernels(ours_lib, x, w, dy, stride, padding, dilation)
        before = (
            tapeflow_kernels(before_lib, x, w, dy, stride, padding, dilation)
            if before_lib
            else (None,) * 3
        )
        for fn, ref in zip(ours, (hand_f, hand_bf, hand_bi[0]), strict=True):
            np.testing.assert_allclose(fn().numpy(), ref(), rtol=1e-4, atol=1e-3)
        ours_ms, numpy_ms, before_ms = [], [], []
        for fn, old, hand in zip(ours, before, (hand_f, hand_bf, hand_bi), strict=True):
            hands = hand if isinstance(hand, tuple) else (hand,)
            times = interleaved([fn, *hands, *([old] if old else [])], args.rounds)
            ours_ms.append(times[0])
            numpy_ms.append(min(times[1 : 1 + len(hands)]))
            before_ms.append(times[-1] if old else None)
        rows.append((label, ours_ms, numpy_ms, before_ms))
        tf_cases.append([in_shape, f_shape, out_shape, stride, padding, dilation])
    tf_ms = run_tf(args.tf_python, tf_cases, args.rounds) if args.tf_python else None
    columns = ["shape", "kernel"]
    columns += ["before", "tapeflow"] if before_lib else ["tapeflow"]
    columns += ["NumPy by hand"] + (["TF"] if tf_ms else []) + ["vs NumPy"]
    columns += ["vs TF"] if tf_ms else []
    columns += ["before / after"] if before_lib else []
    lines = [
        f"float32, batch 32, single-threaded; ms per call, min of {args.rounds} interleaved "
        "rounds; vs X = tapeflow / X" + (" (TF: tf.raw_ops, eager)" if tf_ms else ""),
        "",
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
    ]
    for i, (label, ours_ms, numpy_ms, before_ms) in enumerate(rows):
        for k, kernel in enumerate(KERNELS):
            cells = [label if k == 0 else "", kernel]
            cells += [f"{before_ms[k]:.2f}"] if before_lib else []
            cells += [f"{ours_ms[k]:.2f}", f"{numpy_ms[k]:.2f}"]
            cells += [f"{tf_ms[i][k]:.2f}"] if tf_ms else []
            cells.append(f"{ours_ms[k] / numpy_ms[k]:.2f}")
            cells += [f"{ours_ms[k] / tf_ms[i][k]:.2f}"] if tf_ms else []
            cells += [f"{before_ms[k] / ours_ms[k]:.2f}x"] if before_lib else []
            lines.append("| " + " | ".join(cells) + " |")
    text = "\n".join(lines)
    print(text)
    if args.out:
        pathlib.Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()
