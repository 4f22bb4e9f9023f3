"""Keras' progress bar, byte for byte: `keras.utils.Progbar`, `ProgbarLogger`, `print_msg`.

The golden cases (tests/data/tf_keras_progbar_goldens.json, written by
tools/tf_goldens/make_keras_progbar_goldens.py with Keras 3.15.1) ran real Keras under a fake
clock and a recording stdout; here the same code runs on tapeflow, whose Progbar reads the
replaceable `progbar.time`, and the text written must be identical, as must the `result`, the
warnings and the exception. This file replays the progress-bar cases (and holds the replay
harness); tests/test_keras_callbacks.py replays the callback cases. The plain progress mode is
a tapeflow extension: its expected lines are written out below.
"""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path

import numpy as np
import progbar_runner
import pytest

from tapeflow.keras import callbacks, config
from tapeflow.keras._src.callbacks import pythonify_logs
from tapeflow.keras._src.utils import io_utils, progbar
from tapeflow.keras._src.utils.progbar import Progbar

GOLDENS = json.loads((Path(__file__).parent / "data" / "tf_keras_progbar_goldens.json").read_text())
CALLBACK_PREFIXES = (
    "callback_",
    "history_",
    "pythonify_",
    "early_stopping",
    "lr_scheduler",
    "reduce_lr",
    "checkpoint",
    "csv_logger",
    "terminate_on",
    "lambda_",
    "backup_and_restore",
)


def _env():
    def set_clock(fn):
        progbar.time = fn

    def restore_clock():
        progbar.time = _real_clock

    return {
        "callbacks": callbacks,
        "Progbar": Progbar,
        "pythonify_logs": pythonify_logs,
        "print_msg": io_utils.print_msg,
        "config": config,
        "np": np,
        "os": os,
        "set_clock": set_clock,
        "restore_clock": restore_clock,
    }


_real_clock = progbar.time


def run_case(code: str) -> dict:
    """Runs a golden case's code on tapeflow as the generator ran it on Keras."""
    old_mode = config.get_progress()
    config.set_progress("keras")
    try:
        return progbar_runner.run_case(code, _env(), GOLDENS["preamble"])
    finally:
        config.set_progress(old_mode)
        io_utils.enable_interactive_logging()


def _same(a, b):
    # JSON results compare exactly, except that NaN equals NaN.
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def check_case(name: str) -> None:
    golden = GOLDENS["cases"][name]
    got = run_case(golden["code"])
    assert got["error"] == golden["error"]
    assert got["stdout"] == golden["stdout"]
    assert _same(got["result"], golden["result"]), (got["result"], golden["result"])
    assert got["warnings"] == golden["warnings"]


PROGBAR_CASES = sorted(n for n in GOLDENS["cases"] if not n.startswith(CALLBACK_PREFIXES))


@pytest.mark.parametrize("name", PROGBAR_CASES)
def test_progbar_golden(name):
    check_case(name)


def test_goldens_cover_the_spec_examples():
    # The spec's verbose=2 line and final bar frame have these shapes (observed on TF 2.21).
    v2 = GOLDENS["cases"]["fit_v2_validation"]["stdout"]
    assert v2.startswith("Epoch 1/2\n3/3 - 0s - 133ms/step - accuracy: 0.4400 - loss: 0.6800")
    v1 = GOLDENS["cases"]["fit_v1_two_epochs_validation"]["stdout"]
    assert "\x1b[32m━━━━━━━━━━━━━━━━━━━━\x1b[0m\x1b[37m\x1b[0m" in v1
    assert "val_loss: 0.6500 \n" in v1 or "val_loss: 0.6500\n" in v1


class FakeClock:
    def __init__(self):
        self.t = 50.0

    def __call__(self):
        return self.t


@pytest.fixture
def clock(monkeypatch):
    c = FakeClock()
    monkeypatch.setattr(progbar, "time", c)
    return c


@pytest.fixture
def plain():
    old = config.get_progress()
    config.set_progress("plain")
    yield
    config.set_progress(old)


def test_plain_mode_known_target(clock, plain, capsys):
    p = Progbar(20)
    for i in range(1, 21):
        clock.t += 0.1
        p.update(i, [("loss", 1.0)])
    lines = capsys.readouterr().out
    assert "\b" not in lines and "\x1b" not in lines and "\r" not in lines
    expected = [
        f"{i:2d}/20 - ETA {int(0.1 * (20 - i))}s - 100ms/step - loss: 1.0000"
        for i in range(2, 20, 2)
    ] + ["20/20 - 2s - 100ms/step - loss: 1.0000"]
    assert lines.splitlines() == expected


def test_plain_mode_few_steps_and_unknown_target(clock, plain, capsys):
    p = Progbar(3)
    for i in range(1, 4):
        clock.t += 2.0
        p.update(i, [("loss", -0.0001)])
    p = Progbar(None)
    for i in range(1, 13):
        clock.t += 0.5
        p.update(i)
    p.update(12, finalize=True)
    assert capsys.readouterr().out.splitlines() == [
        "1/3 - ETA 4s - 2s/step - loss: -1.0000e-04",
        "2/3 - ETA 2s - 2s/step - loss: -1.0000e-04",
        "3/3 - 6s - 2s/step - loss: -1.0000e-04",
        "1/Unknown - 0s - 500ms/step",
        "2/Unknown - 1s - 500ms/step",
        "5/Unknown - 2s - 500ms/step",
        "10/Unknown - 5s - 500ms/step",
        "12/Unknown - 6s - 500ms/step",
    ]


def test_plain_mode_fit_epochs(clock, plain, capsys):
    cl = callbacks.CallbackList(None, add_progbar=True, verbose=1, epochs=2, steps=2, model=None)
    cl.on_train_begin()
    for epoch in range(2):
        cl.on_epoch_begin(epoch)
        for step in range(2):
            clock.t += 0.25
            cl.on_train_batch_end(step, {"loss": np.float32(0.5)})
        cl.on_epoch_end(epoch, {"loss": 0.5, "val_loss": 0.25})
    cl.on_train_end()
    assert capsys.readouterr().out == (
        "Epoch 1/2\n1/2 - ETA 0s - 250ms/step - loss: 0.5000\n"
        "2/2 - 0s - 250ms/step - loss: 0.5000 - val_loss: 0.2500\n"
        "Epoch 2/2\n1/2 - ETA 0s - 250ms/step - loss: 0.5000\n"
        "2/2 - 0s - 250ms/step - loss: 0.5000 - val_loss: 0.2500\n"
    )


def test_plain_mode_leaves_verbose2_alone(clock, plain, capsys):
    p = Progbar(2, verbose=2)
    clock.t += 1.0
    p.update(1, [("x", -2.0)])
    clock.t += 1.0
    p.update(2, [("x", -2.0)])
    assert capsys.readouterr().out == "2/2 - 2s - 1s/step - x: -2.0000e+00\n"


def test_progress_mode_setting():
    old = config.get_progress()
    try:
        assert old in ("keras", "plain")
        config.set_progress("plain")
        assert config.get_progress() == "plain"
        config.set_progress("keras")
        assert config.get_progress() == "keras"
        with pytest.raises(ValueError, match="Invalid progress mode: 'fancy'"):
            config.set_progress("fancy")
    finally:
        config.set_progress(old)


def test_interactive_logging_off_goes_to_logging(caplog, capsys):
    import logging

    config.disable_interactive_logging()
    try:
        with caplog.at_level(logging.INFO, logger="absl"):
            io_utils.print_msg("to the log")
    finally:
        config.enable_interactive_logging()
    assert capsys.readouterr().out == ""
    assert [r.getMessage() for r in caplog.records] == ["to the log"]


def test_clear_session_reenables_interactive_logging():
    from tapeflow.keras import backend

    config.disable_interactive_logging()
    backend.clear_session()
    # observed on TF 2.21: clear_session() wipes Keras' global state, the flag included
    assert config.is_interactive_logging_enabled() is True


def test_max_epochs_settings():
    assert config.max_epochs() is None and config.max_steps_per_epoch() is None
    config.set_max_epochs(3)
    config.set_max_steps_per_epoch(7)
    try:
        assert (config.max_epochs(), config.max_steps_per_epoch()) == (3, 7)
    finally:
        config.set_max_epochs(None)
        config.set_max_steps_per_epoch(None)


def test_real_clock_is_time_time():
    import time

    assert abs(progbar.time() - time.time()) < 1.0


def test_progress_mode_from_the_environment():
    import subprocess

    code = "from tapeflow.keras import config; print(config.get_progress())"
    src = str(Path(__file__).resolve().parents[1] / "src")
    found = []
    for value in ("plain", "keras", "bogus"):
        env = dict(os.environ, TAPEFLOW_PROGRESS=value, PYTHONPATH=src)
        run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, check=True)  # fmt: skip
        found.append(run.stdout.strip())
    assert found == ["plain", "keras", "keras"]
