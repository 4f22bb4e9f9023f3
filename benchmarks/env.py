"""Pin every numeric library to one thread *before* any of them is imported.

Thread pools are sized when a library loads, so these variables only work if they are set
first: importing this module sets them (run.py imports it before anything else). One thread
everywhere keeps the comparison about per-op overhead and kernels, not about who
parallelises best on a 2-core machine that someone else is also using.
"""

import os
import sys
from pathlib import Path

THREAD_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
    "JAX_PLATFORMS": "cpu",
}

BENCH_DIR = Path(__file__).resolve().parent
REPO_SRC = BENCH_DIR.parent / "src"


def pin_threads():
    """Set the thread variables and put the checkout's src/ first on sys.path.

    Preferring the working tree means the suite measures the tapeflow you are editing,
    whether or not it was pip-installed.
    """
    os.environ.update(THREAD_ENV)
    if (REPO_SRC / "tapeflow").is_dir():
        os.environ["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(REPO_SRC), os.environ.get("PYTHONPATH")) if p
        )
        if str(REPO_SRC) not in sys.path:
            sys.path.insert(0, str(REPO_SRC))


if "numpy" in sys.modules:  # its BLAS already sized its thread pool: pinning now is a no-op
    raise RuntimeError(
        "benchmarks/env.py must be imported before numpy (or anything that imports it): "
        "its thread variables only work when set first"
    )
pin_threads()
