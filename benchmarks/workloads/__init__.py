"""All workloads, in table order. W8 (import cost) is not a Workload: see w8_import."""

from workloads import (
                       w1_scalar,
                       w2_chain,
                       w3_mlp,
                       w4_elementwise,
                       w5_hvp,
                       w6_jacobian,
                       w7_long_chain,
                       w9_tape_memory,
)

ALL = [wl for m in (w1_scalar, w2_chain, w3_mlp, w4_elementwise, w5_hvp, w6_jacobian,
                    w7_long_chain, w9_tape_memory) for wl in m.WORKLOADS]
BY_ID = {wl.id: wl for wl in ALL}
