"""`tf.config` implementation: eager-only settings, and the devices TF code asks for.

tapeflow always executes eagerly, so most settings are accepted and remembered
without effect: training scripts that configure threads, devices or XLA run
unchanged. Device listings describe the CPU and the GPUs CuPy sees (with the cupy
extra) in TF's own types (`PhysicalDevice`, `LogicalDevice`).
"""

from __future__ import annotations

import collections
from types import SimpleNamespace

from . import backend as _backend

PhysicalDevice = collections.namedtuple("PhysicalDevice", ["name", "device_type"])
LogicalDevice = collections.namedtuple("LogicalDevice", ["name", "device_type"])
LogicalDeviceConfiguration = collections.namedtuple(
    "LogicalDeviceConfiguration",
    ["memory_limit", "experimental_priority", "experimental_device_ordinal"],
    defaults=(None, None, 0),
)

_CPU = PhysicalDevice(name="/physical_device:CPU:0", device_type="CPU")
_CPU_LOGICAL = LogicalDevice(name="/device:CPU:0", device_type="CPU")

# Remembered settings: they round-trip through the getters but change nothing.
_settings = {
    "run_functions_eagerly": False,
    "intra_op_parallelism_threads": 0,
    "inter_op_parallelism_threads": 0,
    "jit": False,
    "op_determinism": False,
    "tensor_float_32_execution": True,
    "device_policy": "silent",
    "synchronous_execution": True,
}


def run_functions_eagerly(run_eagerly: bool) -> None:
    """Sets the flag `tf.function` consults. tapeflow's functions always run eagerly.

    >>> tf.config.run_functions_eagerly(True)
    >>> tf.config.functions_run_eagerly()
    True
    """
    _settings["run_functions_eagerly"] = bool(run_eagerly)


def functions_run_eagerly() -> bool:
    """The value last set by `run_functions_eagerly` (default False, as in TF)."""
    return _settings["run_functions_eagerly"]


def list_physical_devices(device_type=None) -> list:
    """The physical devices of `device_type` ("CPU", "GPU", ...; case-sensitive as in TF):
    the CPU, then each GPU CuPy sees (none without the cupy extra; cupy is imported only
    when it is installed).

    >>> tf.config.list_physical_devices("GPU")
    []
    """
    cpus = [_CPU] if device_type in (None, "CPU") else []
    if device_type not in (None, "GPU"):
        return cpus
    gpus = range(_backend.gpu_count())
    return cpus + [PhysicalDevice(f"/physical_device:GPU:{i}", "GPU") for i in gpus]


def list_logical_devices(device_type=None) -> list:
    """The logical devices of `device_type`: the CPU, then the visible GPUs, numbered in
    the order `set_visible_devices` gave them."""
    cpus = [_CPU_LOGICAL] if device_type in (None, "CPU") else []
    if device_type not in (None, "GPU"):
        return cpus
    gpus = range(len(_backend.visible_gpus()))
    return cpus + [LogicalDevice(f"/device:GPU:{k}", "GPU") for k in gpus]


def get_visible_devices(device_type=None) -> list:
    """The physical devices ops may run on (all by default, as in TF)."""
    visible = _backend.visible_gpus()
    return [
        d
        for d in list_physical_devices(device_type)
        if d.device_type != "GPU" or int(d.name.rsplit(":", 1)[1]) in visible
    ]


def set_visible_devices(devices, device_type=None) -> None:
    """Makes only `devices` (PhysicalDevices, or one) visible among those of `device_type`
    (all types if None): `set_visible_devices([], "GPU")` hides every GPU, so `tf.device`
    scopes naming one run on the CPU. The CPU stays visible. Unlike TF, which refuses a
    change once its runtime has started, a change applies to the ops run after it."""
    if isinstance(devices, PhysicalDevice):
        devices = [devices]
    if device_type not in (None, "GPU"):
        return
    gpus = []
    for d in devices:
        if d not in list_physical_devices(device_type):  # TF's check, by type too
            raise ValueError(f"Unrecognized device: {d!r}")
        if d.device_type == "GPU":
            gpus.append(int(d.name.rsplit(":", 1)[1]))
    _backend.set_visible_gpus(gpus)


def get_logical_device_configuration(device):
    return None


def set_logical_device_configuration(device, logical_devices) -> None:
    """Accepted for compatibility; tapeflow has one logical device."""


def get_soft_device_placement() -> bool:
    return _backend.soft_placement


def set_soft_device_placement(enabled: bool) -> None:
    """Soft placement (on by default, as in TF's eager mode) runs a `tf.device` scope naming
    a device that does not exist on another one; off, creation ops there raise TF's
    InvalidArgumentError."""
    _backend.soft_placement = bool(enabled)


def _setter(key: str):
    def set_value(value) -> None:
        _settings[key] = value

    return set_value


def _getter(key: str):
    def get_value():
        return _settings[key]

    return get_value


def _set_jit(enabled) -> None:
    # TF reports the autoclustering mode once XLA JIT is switched on.
    _settings["jit"] = "autoclustering" if enabled is True else enabled


def _get_jit():
    jit = _settings["jit"]
    return "" if jit is False else jit


# GPU -> the memory growth flag set on it (remembered: CuPy's memory pool grows as needed).
_memory_growth: dict = {}


def _is_gpu(device) -> bool:
    return getattr(device, "device_type", None) == "GPU" and device in list_physical_devices()


def _set_memory_growth(device, enable: bool) -> None:
    if not _is_gpu(device):
        raise ValueError("Cannot set memory growth on non-GPU and non-Pluggable devices")
    _memory_growth[device] = bool(enable)


def _get_memory_growth(device) -> bool:
    """The flag set on a GPU (False by default); TF's KeyError (its map's) for another."""
    if not _is_gpu(device):
        raise KeyError(device)
    return _memory_growth.get(device, False)


def _device_details(device) -> dict:
    """TF's details of a physical device: a GPU's name and compute capability (from CuPy),
    nothing for the CPU (as TF gives nothing there)."""
    if not _is_gpu(device):
        return {}
    physical = int(device.name.rsplit(":", 1)[1])
    props = _backend.cupy_module().cuda.runtime.getDeviceProperties(physical)
    name = props["name"]
    return {
        "device_name": name.decode() if isinstance(name, bytes) else name,
        "compute_capability": (int(props["major"]), int(props["minor"])),
    }


threading = SimpleNamespace(
    get_intra_op_parallelism_threads=_getter("intra_op_parallelism_threads"),
    set_intra_op_parallelism_threads=_setter("intra_op_parallelism_threads"),
    get_inter_op_parallelism_threads=_getter("inter_op_parallelism_threads"),
    set_inter_op_parallelism_threads=_setter("inter_op_parallelism_threads"),
)

optimizer = SimpleNamespace(
    get_jit=_get_jit,
    set_jit=_set_jit,
    get_experimental_options=dict,
    set_experimental_options=lambda options: None,
)

experimental = SimpleNamespace(
    enable_op_determinism=lambda: _settings.update(op_determinism=True),
    enable_tensor_float_32_execution=_setter("tensor_float_32_execution"),
    tensor_float_32_execution_enabled=_getter("tensor_float_32_execution"),
    get_device_policy=_getter("device_policy"),
    set_device_policy=_setter("device_policy"),
    get_synchronous_execution=_getter("synchronous_execution"),
    set_synchronous_execution=_setter("synchronous_execution"),
    get_memory_growth=_get_memory_growth,
    set_memory_growth=_set_memory_growth,
    get_visible_devices=get_visible_devices,
    set_visible_devices=set_visible_devices,
    list_physical_devices=list_physical_devices,
    list_logical_devices=list_logical_devices,
    get_device_details=_device_details,
)

experimental_run_functions_eagerly = run_functions_eagerly
experimental_functions_run_eagerly = functions_run_eagerly
