"""Device listings and placement against goldens recorded from TensorFlow 2.21 on a machine
without a GPU (tools/tf_goldens/make_device_goldens.py): the listings, soft placement of a
scope naming a missing device, strict placement's error, memory growth on the CPU.

Skipped where CuPy sees a GPU (the listings and placements then differ, as TF's would);
tests/test_device.py covers that case.
"""

from __future__ import annotations

import pytest
from family_goldens import assert_goldens_current, check_case, load_goldens

import tapeflow
from tapeflow._core import backend

GOLDENS = load_goldens("device")


@pytest.mark.skipif(backend.gpu_count() > 0, reason="recorded on a machine without a GPU")
@pytest.mark.parametrize("name", sorted(GOLDENS["cases"]))
def test_device_golden(name: str) -> None:
    check_case(GOLDENS, name, tapeflow)


def test_goldens_are_current() -> None:
    """The golden file holds exactly the generator's cases (regenerate it if not)."""
    assert_goldens_current(GOLDENS, "make_device_goldens", "code")
