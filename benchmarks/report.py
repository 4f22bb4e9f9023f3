"""Turn raw results into the Markdown table, the JSON file, the targets and the plot.

Ratios are computed from this one run only (same machine, same rounds), which is what the
targets are about; comparing numbers across runs or machines is not meaningful.
"""

import json

from harness import PEERS

MiB = 2**20

# (workload, what is compared, numerator column, denominator column, kind, limit)
# kind "ratio": num/den <= limit (strict "<" if limit is 1.0 and text says faster/below);
# kind "diff": num - den <= limit (seconds).
TARGETS = [  # issue 13's table (eager speed, wave 2)
    ("W1", "time", "tapeflow", "torch", "ratio", 0.20),
    ("W1", "time", "tapeflow", "jax.jit", "below", 1.0),
    ("W2", "time", "tapeflow", "torch", "ratio", 0.25),
    ("W3", "time", "tapeflow", "numpy", "ratio", 1.05),
    ("W3b", "time", "tapeflow", "numpy", "ratio", 1.05),
    ("W4", "time", "tapeflow", "numpy", "ratio", 1.10),
    ("W5rr", "time", "tapeflow", "numpy", "ratio", 2.0),
    ("W5fr", "time", "tapeflow", "numpy", "ratio", 2.0),
    ("W6", "time", "tapeflow", "jax.jit", "below", 1.0),
    ("W7", "time", "tapeflow", "torch", "ratio", 0.4),
    ("W7", "memory", "tapeflow", "torch", "ratio", 1.0),
    ("W8", "import", "tapeflow", "numpy", "diff", 0.015),
    ("W9", "memory", "tapeflow", "ideal", "ratio", 1.05),
    # The same steps under tf.function(jit_compile=True) (traced once, then replayed).
    ("W1", "time", "tapeflow.jit", "torch", "ratio", 0.20),
    ("W1", "time", "tapeflow.jit", "jax.jit", "below", 1.0),
    ("W2", "time", "tapeflow.jit", "torch", "ratio", 0.25),
    ("W4", "time", "tapeflow.jit", "numpy", "ratio", 0.7),
    ("W5rr", "time", "tapeflow.jit", "numpy", "ratio", 2.0),
    ("W5fr", "time", "tapeflow.jit", "numpy", "ratio", 2.0),
    ("W6", "time", "tapeflow.jit", "jax.jit", "below", 1.0),
    ("W7", "time", "tapeflow.jit", "torch", "ratio", 0.4),
    ("W9", "memory", "tapeflow.jit", "ideal", "ratio", 1.2),
]


def fmt_t(s):
    if s is None:
        return "-"
    if s < 1e-3:
        return f"{s * 1e6:.3g} µs"
    return f"{s * 1e3:.2f} ms" if s < 1 else f"{s:.2f} s"


def cell_text(cell, fmt):
    if cell is None:
        return "-"
    if cell["status"] != "ok":
        return f"{cell['status']}: {cell['message']}"
    return fmt(cell)


def _value(results, wl, section, col):
    if col == "ideal":
        return results["memory"].get(wl, {}).get("ideal", {}).get("peak")
    cells = results[section] if section == "import" else results[section].get(wl, {})
    cell = cells.get(col)
    if not cell or cell.get("status") != "ok":
        return None
    return cell["peak"] if section == "memory" else cell.get("median")


def evaluate_targets(results):
    out = []
    done = {*results["time"], *results["memory"], *(["W8"] if results["import"] else [])}
    for wl, section, num, den, kind, limit in TARGETS:
        if wl not in done:
            continue
        a, b = _value(results, wl, section, num), _value(results, wl, section, den)
        label = {"ratio": f"{section} {num}/{den} <= {limit:g}x",
                 "below": f"{section} {num} < {den}",
                 "diff": f"import {num} <= {den} + {limit * 1e3:.0f} ms"}[kind]
        t = {"workload": wl, "target": label}
        if a is None or b is None:
            t.update(met=None, detail="not measured")
        elif kind == "diff":
            d = a - b
            t.update(value=d, met=d <= limit,
                     detail=f"+{d * 1e3:.1f} ms: " + (f"{(limit - d) * 1e3:.1f} ms to spare"
                                                    if d <= limit else
                                                    f"{(d - limit) * 1e3:.1f} ms over"))
        else:
            r = a / b
            met = r < limit if kind == "below" else r <= limit
            t.update(value=r, met=met,
                     detail=f"{r:.3g}x: " + (f"{limit / r:.2f}x headroom" if met else
                                             f"{r / limit:.2f}x too high"))
        out.append(t)
    return out


def best_peer(cells):
    ok = [(c["median"], col) for col, c in cells.items()
          if col in PEERS and c["status"] == "ok" and c.get("median")]
    return min(ok) if ok else (None, None)


def markdown(results, columns):
    meta = results["meta"]
    lines = ["# tapeflow benchmark results", ""]
    lines += [f"- **{k}**: {v}" for k, v in meta.items() if not isinstance(v, dict)]
    lines += ["- **versions**: " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items())]
    lines += ["- **environment**: " + ", ".join(f"{k}={v}" for k, v in meta["env"].items())]
    tcols = list(columns)
    if results["time"]:
        lines += _time_table(results, tcols)
    if results["memory"]:
        lines += ["", "## Peak memory of one step (fresh process per library)", "",
                  ("Cell: peak RSS growth during the step (tracemalloc peak, where "
                   "meaningful). See probes.py for the method."), "",
                  "| workload | " + " | ".join(tcols + ["ideal"]) + " |",
                  "|---" * (len(tcols) + 2) + "|"]
        for wl, cells in results["memory"].items():
            row = [wl]
            for col in tcols + ["ideal"]:
                def fmt(c):
                    tm = f" ({c['tracemalloc'] / MiB:.1f})" if "tracemalloc" in c else ""
                    return f"{c['peak'] / MiB:.1f} MiB" + tm
                row.append(cell_text(cells.get(col), fmt))
            lines.append("| " + " | ".join(row) + " |")
    if results["import"]:
        lines += ["", "## W8: `import X` in a fresh process (medians)", "",
                  "| library | import time | RSS retained | RSS peak | vs numpy |",
                  "|---|---|---|---|---|"]
        np_t = _value(results, "W8", "import", "numpy")
        for col, c in results["import"].items():
            if c["status"] != "ok":
                lines.append(f"| {col} | {c['status']}: {c['message']} | | | |")
                continue
            d = f"+{(c['time'] - np_t) * 1e3:.1f} ms" if np_t is not None else "-"
            lines.append(f"| {col} | {fmt_t(c['time'])} | {c['rss'] / MiB:.1f} MiB | "
                         f"{c['peak'] / MiB:.1f} MiB | {d} |")
    lines += ["", "## Targets (tapeflow)", "", "| workload | target | met | detail |",
              "|---|---|---|---|"]
    for t in results["targets"]:
        met = {True: "met", False: "NOT met", None: "n/a"}[t["met"]]
        lines.append(f"| {t['workload']} | {t['target']} | {met} | {t['detail']} |")
    return "\n".join(lines) + "\n"


def _time_table(results, tcols):
    lines = ["", "## Median time per iteration", "",
             ("Cell: median time (ratio to NumPy by hand). Last columns: best peer and "
              "tapeflow / best peer."), "",
             "| workload | " + " | ".join(tcols) + " | best peer | tapeflow/best |",
             "|---" * (len(tcols) + 3) + "|"]
    for wl, cells in results["time"].items():
        np_t = _value(results, wl, "time", "numpy")
        row = [f"{wl} {results['titles'][wl]}"]
        for col in tcols:
            def fmt(c, np_t=np_t):
                r = f" ({c['median'] / np_t:.3g}x)" if np_t else ""
                marks = ("¹" if c.get("note") else "") + ("²" if c.get("isolated") else "")
                return fmt_t(c["median"]) + r + (" " + marks if marks else "")
            row.append(cell_text(cells.get(col), fmt))
        bt, bcol = best_peer(cells)
        tf_t = _value(results, wl, "time", "tapeflow")
        row.append(f"{bcol} {fmt_t(bt)}" if bcol else "-")
        row.append(f"{tf_t / bt:.3g}x" if bt and tf_t else "-")
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", "¹ one call only: the checked call was slower than the repeat limit."]
    if any(c.get("isolated") for cells in results["time"].values() for c in cells.values()):
        lines += ["", "² timed in its own fresh process (NumPy and this library only): a long "
                  "chain's speed depends on what else the process imported."]
    return lines


def write(results, columns, out_base):
    out_base.parent.mkdir(parents=True, exist_ok=True)
    md = markdown(results, columns)
    out_base.with_suffix(".md").write_text(md)
    out_base.with_suffix(".json").write_text(json.dumps(results, indent=1, default=str))
    plot(results, columns, out_base.with_suffix(".png"))
    return md


def plot(results, columns, path):
    """Log-scale bars of time ratio to NumPy by hand; skipped without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    wls = [w for w in results["time"] if _value(results, w, "time", "numpy")]
    cols = [c for c in columns if c != "numpy"]
    if not wls or not cols:
        return None
    fig, ax = plt.subplots(figsize=(max(8, 1.2 * len(wls)), 5))
    width = 0.8 / len(cols)
    for i, col in enumerate(cols):
        xs, ys = [], []
        for j, wl in enumerate(wls):
            v = _value(results, wl, "time", col)
            if v:
                xs.append(j + i * width)
                ys.append(v / _value(results, wl, "time", "numpy"))
        ax.bar(xs, ys, width, label=col)
    ax.set_yscale("log")
    ax.axhline(1.0, color="k", lw=0.8)
    ax.set_xticks([j + 0.4 - width / 2 for j in range(len(wls))], wls)
    ax.set_ylabel("median time / NumPy by hand (log)")
    ax.set_title("tapeflow benchmarks: time relative to hand-written NumPy")
    ax.legend(fontsize=8, ncol=3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
