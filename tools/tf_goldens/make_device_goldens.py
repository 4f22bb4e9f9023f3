"""Generates tests/data/tf_device_goldens.json: TF's device listings and placement on a
machine without a GPU.

Usage (TensorFlow lives in its own venv; record on a machine without a GPU)::

    /work/tfvenv/bin/python tools/tf_goldens/make_device_goldens.py
    /work/tfvenv/bin/python tools/tf_goldens/make_device_goldens.py --verify

Each case is literal code with ``tf`` and ``np`` predefined that leaves its result in
``out``; tests/test_device_goldens.py replays every case with tapeflow (where no GPU is
visible) and compares values, reprs and exception classes and messages
(tf_golden_util.compare_results).

Covered: the device listings, soft placement of scopes naming devices that do not exist,
strict placement's error (soft placement off) for creation ops and tf.identity, memory
growth on the CPU. Cases that switch soft placement off switch it on again.
"""

from __future__ import annotations

from family import DATA, record_code_cases

OUTPUT = DATA / "tf_device_goldens.json"

STRICT = (
    "tf.config.set_soft_device_placement(False)\n"
    "try:\n"
    "    with tf.device({device!r}):\n"
    "        out = {code}\n"
    "finally:\n"
    "    tf.config.set_soft_device_placement(True)"
)
SOFT = "with tf.device({device!r}):\n    t = {code}\nout = t.device"

CASES = {
    # -- listings --------------------------------------------------------------------------------
    "physical_devices": "out = repr(tf.config.list_physical_devices())",
    "physical_gpus": "out = repr(tf.config.list_physical_devices('GPU'))",
    "physical_cpus": "out = repr(tf.config.list_physical_devices('CPU'))",
    "logical_devices": "out = repr(tf.config.list_logical_devices())",
    "logical_gpus": "out = repr(tf.config.list_logical_devices('GPU'))",
    "visible_devices": "out = repr(tf.config.get_visible_devices())",
    "visible_gpus": "out = repr(tf.config.get_visible_devices('GPU'))",
    "soft_placement_default": "out = tf.config.get_soft_device_placement()",
    "visible_set_string": "out = tf.config.set_visible_devices(['/GPU:0'], 'GPU')",
    "visible_set_missing_gpu": "gpu = tf.config.PhysicalDevice('/physical_device:GPU:3', 'GPU')\n"
    "out = tf.config.set_visible_devices([gpu], 'GPU')",
    "visible_set_cpu_as_gpu": "cpus = tf.config.list_physical_devices('CPU')\n"
    "out = tf.config.set_visible_devices(cpus, 'GPU')",
    "visible_set_no_gpu": "tf.config.set_visible_devices([], 'GPU')\n"
    "out = repr(tf.config.get_visible_devices())",
    "memory_growth_cpu_set": "cpu = tf.config.list_physical_devices('CPU')[0]\n"
    "out = tf.config.experimental.set_memory_growth(cpu, True)",
    "memory_growth_cpu_get": "cpu = tf.config.list_physical_devices('CPU')[0]\n"
    "out = tf.config.experimental.get_memory_growth(cpu)",
    "device_details_cpu": "cpu = tf.config.list_physical_devices('CPU')[0]\n"
    "out = repr(tf.config.experimental.get_device_details(cpu))",
    # -- soft placement: a scope naming a missing device runs on the CPU -------------------------
    "soft_gpu_constant": SOFT.format(device="/GPU:0", code="tf.constant([1.0, 2.0])"),
    "soft_gpu_zeros": SOFT.format(device="/GPU:0", code="tf.zeros(2)"),
    "soft_gpu_op": SOFT.format(device="/GPU:0", code="tf.constant([1.0]) * 2"),
    "soft_gpu_random": SOFT.format(device="/GPU:1", code="tf.random.normal((2,), seed=1)"),
    "soft_gpu_variable": SOFT.format(device="/device:GPU:0", code="tf.Variable([1.0])"),
    "soft_cpu3_constant": SOFT.format(device="/CPU:3", code="tf.constant([1.0])"),
    "soft_gpu_identity": "x = tf.constant([1.0])\n"
    + SOFT.format(device="/GPU:0", code="tf.identity(x)"),
    # -- strict placement: TF's error for a device that does not exist ---------------------------
    "strict_gpu_constant": STRICT.format(device="/GPU:0", code="tf.constant([1.0])"),
    "strict_gpu_scalar": STRICT.format(device="/GPU:0", code="tf.constant(1.0)"),
    "strict_gpu_convert": STRICT.format(
        device="/GPU:0", code="tf.convert_to_tensor(np.ones(2, np.float32))"
    ),
    "strict_gpu_zeros": STRICT.format(device="/GPU:0", code="tf.zeros(2)"),
    "strict_gpu_ones": STRICT.format(device="/GPU:0", code="tf.ones((2, 2))"),
    "strict_gpu1_constant": STRICT.format(device="/device:GPU:1", code="tf.constant([1.0])"),
    "strict_gpu_any_constant": STRICT.format(device="/GPU:*", code="tf.constant([1.0])"),
    "strict_cpu3_constant": STRICT.format(device="/CPU:3", code="tf.constant([1.0])"),
    "strict_cpu0_constant": STRICT.format(device="/CPU:0", code="tf.constant([1.0])"),
}


def all_cases() -> dict[str, str]:
    """Every case as name -> code."""
    return dict(CASES)


def main() -> None:
    """Records every case under TensorFlow (or, with --verify, replays the written file)."""
    record_code_cases(OUTPUT, __file__, all_cases())


if __name__ == "__main__":
    main()
