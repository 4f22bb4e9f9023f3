"""The documentation site: generated pages are current and `mkdocs build --strict` passes."""

import importlib.util
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _tool(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, "tools", name + ".py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


HOOKS = _tool("mkdocs_hooks")


def test_readme_section_stops_at_next_heading_and_skips_code():
    text = "# t\nintro\n## A\nbody\n```\n# not a heading\n```\n## B\nb\n"
    assert HOOKS.readme_section("t", text) == "intro\n"
    assert HOOKS.readme_section("A", text) == "body\n```\n# not a heading\n```\n"
    assert HOOKS.readme_section("B", text) == "b\n"
    with pytest.raises(KeyError, match="no section 'C'"):
        HOOKS.readme_section("C", text)


def test_every_directive_in_the_pages_resolves():
    for name in sorted(os.listdir(os.path.join(ROOT, "docs"))):
        if name.endswith(".md"):
            with open(os.path.join(ROOT, "docs", name)) as f:
                out = HOOKS.expand(f.read())
            assert HOOKS._DIRECTIVE.search(out) is None, name


def test_index_has_the_readme_commands():
    with open(os.path.join(ROOT, "docs", "index.md")) as f:
        out = HOOKS.expand(f.read())
    assert "pip install . && python -m tapeflow tutorial" in out
    assert "pip install -e '.[test,docs]' && python -m pytest" in out


def test_op_coverage_page_is_current():
    # Regenerate with: PYTHONPATH=src python tools/op_coverage.py
    cov = _tool("op_coverage")
    with open(os.path.join(ROOT, "docs", "ops.md")) as f:
        assert f.read() == cov.render()


def test_mkdocs_build_strict(tmp_path):
    for mod in ("mkdocs", "material"):
        if importlib.util.find_spec(mod) is None:
            pytest.skip(f"{mod} is not installed (pip install -e '.[docs]' to build the site)")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    res = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "ops" / "index.html").exists()
