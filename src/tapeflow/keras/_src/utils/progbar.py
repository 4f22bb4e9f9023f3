"""`keras.utils.Progbar`: Keras' progress bar, byte for byte.

The bytes are Keras 3.15.1's for the same sequence of updates and clock readings: a redraw
erases the previous line with `\\b` x its visible width then `\\r` (always on POSIX, even into a
pipe or a log file: Keras' wart, kept), bold counter, green done part, white rest, ETA or
elapsed time, time per step, running means of the values. The clock is this module's `time()`
(tests replace it with a fake clock).

tapeflow extension: with `keras.config.set_progress("plain")` a `verbose=1` bar writes plain
lines instead (see `Progbar`).
"""

from __future__ import annotations

import math
import os
import sys
import time as _time_module

import numpy as np

from .. import config
from . import io_utils


def time() -> float:
    """The progress bar's clock (`time.time()`); tests replace this function."""
    return _time_module.time()


def _format_eta(eta) -> str:
    if eta > 3600:
        return "%d:%02d:%02d" % (eta // 3600, (eta % 3600) // 60, eta % 60)  # noqa: UP031
    if eta > 60:
        return "%d:%02d" % (eta // 60, eta % 60)  # noqa: UP031
    return "%ds" % eta  # noqa: UP031 (%d truncates floats, as in Keras)


def _mean(total, count):
    if not isinstance(total, float):
        total = np.mean(total)
    return total / max(1, count)


def _is_round_step(n: int) -> bool:
    # 1, 2, 5, 10, 20, 50, 100, ...: where a plain bar of unknown length reports progress.
    s = str(n)
    return s[0] in "125" and s[1:].strip("0") == ""


class Progbar:
    """Displays a progress bar.

    Args:
        target: Total number of steps expected, `None` if unknown.
        width: Progress bar width on screen.
        verbose: Verbosity mode, 0 (silent), 1 (verbose), 2 (semi-verbose: one line when
            finished).
        interval: Minimum visual progress update interval (in seconds).
        stateful_metrics: Iterable of names of metrics that should *not* be averaged over
            time (displayed as given). If provided, do not provide `stateless_metrics`.
        stateless_metrics: Iterable of names of metrics that *should* be averaged over time;
            all others are displayed as given. If provided, do not provide
            `stateful_metrics`. Without either, every metric is averaged.
        unit_name: Display name for step counts (usually "step" or "sample").

    Keras' warts kept: values are shown with `{:.4f}` when `abs(v) > 1e-3`, else `{:.4e}`, but
    the `verbose=2` line tests `v > 1e-3`, so negative values print in e-notation there.

    In tapeflow's plain progress mode (`keras.config.set_progress("plain")`), `verbose=1`
    writes no `\\b`, `\\r` or ANSI codes and ignores `interval`: a line
    `step/target - ETA ...` each time a further 10% of the target is reached (at steps 1, 2,
    5, 10, 20, 50, ... when the target is unknown), and a final `step/target - 1s - ...` line.
    """

    def __init__(
        self,
        target,
        width=20,
        verbose=1,
        interval=0.05,
        stateful_metrics=None,
        stateless_metrics=None,
        unit_name="step",
    ):
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError(
                "Only one of `stateful_metrics` or `stateless_metrics` "
                "can be provided. `stateful_metrics` is used to make metrics "
                "stateless by default (with an exclusion list), while "
                "`stateless_metrics` is used to make metrics stateful by "
                "default (with an exclusion list)."
            )
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        if stateful_metrics is not None:
            self.stateful_metrics = set(stateful_metrics)
            self.stateless_metrics = None
        elif stateless_metrics is not None:
            self.stateful_metrics = None
            self.stateless_metrics = set(stateless_metrics)
        else:
            self.stateful_metrics = set()
            self.stateless_metrics = None
        # Keras redraws in place whenever "posix" is imported, i.e. always on Linux/macOS.
        self._dynamic_display = (
            (hasattr(sys.stdout, "isatty") and sys.stdout.isatty())
            or "ipykernel" in sys.modules
            or "posix" in sys.modules
            or "PYCHARM_HOSTED" in os.environ
        )
        self._plain = config.get_progress() == "plain"
        self._plain_last_tenth = 0
        self._seen_so_far = 0
        self._values = {}
        self._values_order = []
        self._start = time()
        self._last_update = 0
        self._time_at_epoch_start = self._start
        self._time_after_first_step = None
        self._prev_total_width = 0

    def update(self, current, values=None, finalize=None):
        """Updates the progress bar.

        Args:
            current: Index of current step.
            values: List of tuples `(name, value_for_last_step)`. A stateful metric's value
                is displayed as-is, others as their average over the steps so far.
            finalize: Whether this is the last update; defaults to `current >= self.target`.
        """
        if finalize is None:
            finalize = False if self.target is None else current >= self.target
        for k, v in values or []:
            if k not in self._values_order:
                self._values_order.append(k)
            if self.stateful_metrics is not None:
                stateless = k not in self.stateful_metrics
            else:
                stateless = k in self.stateless_metrics
            if stateless and not finalize:
                # The weight is at least 1: ProgbarLogger's final update repeats the step.
                base = max(current - self._seen_so_far, 1)
                if k not in self._values:
                    self._values[k] = [v * base, base]
                else:
                    self._values[k][0] += v * base
                    self._values[k][1] += base
            else:
                self._values[k] = [v, 1]
        self._seen_so_far = current

        now = time()
        time_per_unit = self._estimate_step_duration(current, now)
        if self.verbose == 1:
            if self._plain:
                self._plain_update(current, finalize, now, time_per_unit)
            else:
                if now - self._last_update < self.interval and not finalize:
                    return
                self._redraw(current, finalize, now, time_per_unit)
        elif self.verbose == 2:
            if finalize and self.target is not None and self.target > 0:
                io_utils.print_msg(
                    self._line(current, now, time_per_unit, keras_v2=True) + "\n",
                    line_break=False,
                )
        self._last_update = now

    def _values_text(self, keras_v2: bool) -> str:
        parts = []
        for k in self._values_order:
            avg = _mean(*self._values[k])
            # Keras' verbose=2 line compares v, not abs(v), with 1e-3.
            small = (avg <= 1e-3) if keras_v2 else (abs(avg) <= 1e-3)
            parts.append(f" - {k}: {avg:.4e}" if small else f" - {k}: {avg:.4f}")
        return "".join(parts)

    def _counter(self, current) -> str:
        digits = int(math.log10(self.target)) + 1
        return f"%{digits}d/%d" % (current, self.target)

    def _line(self, current, now, time_per_unit, keras_v2: bool) -> str:
        if self.target is not None and self.target > 0:
            count = self._counter(current)
        else:
            count = f"{current}/Unknown"
        return (
            f"{count} - {now - self._start:.0f}s"
            f" -{self._format_time(time_per_unit, self.unit_name)}" + self._values_text(keras_v2)
        )

    def _redraw(self, current, finalize, now, time_per_unit):
        message = "\b" * self._prev_total_width + "\r" if self._dynamic_display else "\n"
        special = 0  # ANSI bytes, which take no width on screen
        known = self.target is not None and self.target > 0
        if known:
            bar = f"\x1b[1m{self._counter(current)}\x1b[0m "
            special += 8
            done = int(self.width * (float(current) / self.target))
            if done > 0:
                bar += f"\33[32m{'━' * done}\x1b[0m"
                special += 9
            bar += f"\33[37m{'━' * (self.width - done)}\x1b[0m"
            special += 9
        else:
            bar = "%7d/Unknown" % current  # noqa: UP031
        if known and not finalize:
            info = f" \x1b[1m{_format_eta(time_per_unit * (self.target - current))}\x1b[0m"
        else:
            info = f" \x1b[1m{now - self._start:.0f}s\x1b[0m"
        special += 8
        info += self._format_time(time_per_unit, self.unit_name) + self._values_text(False)
        total_width = len(bar) + len(info) - special
        message += bar + info
        if self._prev_total_width > total_width:
            message += " " * (self._prev_total_width - total_width)
        if finalize:
            message += "\n"
        io_utils.print_msg(message, line_break=False)
        self._prev_total_width = total_width

    def _plain_update(self, current, finalize, now, time_per_unit):
        known = self.target is not None and self.target > 0
        if finalize:
            line = self._line(current, now, time_per_unit, keras_v2=False)
        else:
            if known:
                tenth = min(10, current * 10 // self.target)
                if tenth <= self._plain_last_tenth or current >= self.target:
                    return
                self._plain_last_tenth = tenth
                eta = _format_eta(time_per_unit * (self.target - current))
                count = self._counter(current)
            else:
                if current <= 0 or not _is_round_step(int(current)):
                    return
                eta = None
                count = f"{current}/Unknown"
            line = count + (f" - ETA {eta}" if eta is not None else f" - {now - self._start:.0f}s")
            line += f" -{self._format_time(time_per_unit, self.unit_name)}"
            line += self._values_text(False)
        io_utils.print_msg(line + "\n", line_break=False)

    def add(self, n, values=None):
        """Advances the bar by `n` steps."""
        self.update(self._seen_so_far + n, values)

    def _format_time(self, time_per_unit, unit_name):
        if time_per_unit >= 1 or time_per_unit == 0:
            return f" {time_per_unit:.0f}s/{unit_name}"
        if time_per_unit >= 1e-3:
            return f" {time_per_unit * 1000.0:.0f}ms/{unit_name}"
        return f" {time_per_unit * 1000000.0:.0f}us/{unit_name}"

    def _estimate_step_duration(self, current, now):
        # The first step (tracing, warm-up) is left out of the estimate once past it.
        if not current:
            return 0
        if self._time_after_first_step is not None and current > 1:
            time_per_unit = (now - self._time_after_first_step) / (current - 1)
        else:
            time_per_unit = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return time_per_unit
