"""The command line for several models, subgroups, repeated options, hints and start-up.

Scores are checked against scikit-learn on the columns read with pandas;
a comparison against the runs of each column alone.
"""

import argparse
import contextlib
import io
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit
from sklearn.metrics import brier_score_loss
from sklearn.metrics import log_loss as sklearn_log_loss

from skbce._cli import csv_chunks
from skbce._cli.main import main
from skbce._cli.parser import build_parser

MODELS = ["lr", "gbm", "tree"]


def run_here(*args):
    """``main(args)`` in this process: (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([str(a) for a in args])
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def models_csv(tmp_path):
    """Labels ``no``/``yes``, three models, weights and a site, semicolon-delimited."""
    rng = np.random.default_rng(0)
    n = 3000
    truth = rng.random(n)
    frame = pd.DataFrame(
        {
            "label": np.where(rng.random(n) < truth, "yes", "no"),
            "lr": np.round(np.clip(truth + rng.normal(0, 0.1, n), 0.01, 0.99), 6),
            "gbm": np.round(truth, 6),
            "tree": np.round(np.clip(truth**2, 0.001, 1), 6),
            "w": rng.integers(1, 4, n),
            "site": rng.choice(["north", "south", "east"], n),
        }
    )
    path = tmp_path / "models.csv"
    frame.to_csv(path, sep=";", index=False)
    return path


def _read(path):
    return pd.read_csv(path, sep=None, engine="python")


def test_score_several_models_match_sklearn(models_csv):
    frame = _read(models_csv)
    args = ["--y-true", "label", "--y-proba", *MODELS, "--weight", "w", "--chunk-rows", "700"]
    status, out, err = run_here("score", models_csv, *args, "--format", "json")
    assert status == 0, err
    got = json.loads(out)
    assert list(got["models"]) == MODELS
    y = (frame["label"] == "yes").to_numpy()
    w = frame["w"].to_numpy()
    for name in MODELS:
        p = frame[name].to_numpy()
        scores = got["models"][name]
        assert scores["log_loss"] == pytest.approx(sklearn_log_loss(y, p, sample_weight=w))
        assert scores["brier_score"] == pytest.approx(brier_score_loss(y, p, sample_weight=w))
        alone = run_here(
            "score", models_csv, *args[:2], "--y-proba", name, *args[-4:], "--format", "json"
        )
        single = json.loads(alone[1])
        for key, value in scores.items():
            assert single[key] == pytest.approx(value, rel=1e-12, abs=0), (name, key)
        assert single["base_rate"] == got["base_rate"]


def test_score_several_models_as_text(models_csv):
    status, out, _ = run_here("score", models_csv, "--y-true", "label", "--y-proba", *MODELS)
    assert status == 0
    lines = out.splitlines()
    table = [line.split() for line in lines if line.split()[:1] in (["lr"], ["gbm"], ["tree"])]
    assert [row[0] for row in table] == MODELS
    assert all(len(row) == 5 for row in table)
    assert "All are losses: lower is better." in out


def test_several_models_are_read_once(models_csv, monkeypatch):
    """One pass over the file for every model: the blocks are read once."""
    seen = []
    real = csv_chunks._blocks

    def counting(f, source):
        for block in real(f, source):
            seen.append(len(block))
            yield block

    monkeypatch.setattr(csv_chunks, "_blocks", counting)
    status, _, err = run_here("score", models_csv, "--y-true", "label", "--y-proba", *MODELS)
    assert status == 0, err
    assert sum(seen) == models_csv.stat().st_size - len(models_csv.read_bytes().split(b"\n")[0]) - 1


@pytest.mark.parametrize("fmt", ["json", "text", "markdown", "html"])
def test_report_several_models_equal_single_reports(models_csv, fmt):
    args = ["--y-true", "label", "--weight", "w", "--bins", "8"]
    status, out, err = run_here("report", models_csv, *args, "--y-proba", *MODELS, "--format", fmt)
    assert status == 0, err
    if fmt == "json":
        got = json.loads(out)
        assert list(got) == MODELS
        for name in MODELS:
            _, alone, _ = run_here("report", models_csv, *args, "--y-proba", name, "--format", fmt)
            assert got[name] == json.loads(alone)
    elif fmt == "html":
        assert out.lstrip().lower().startswith("<!doctype html")
        assert all(name in out for name in MODELS)
    else:
        assert all(name in out for name in MODELS)


def test_report_groups_give_subgroup_tables(models_csv):
    frame = _read(models_csv)
    args = ["--y-true", "label", "--y-proba", "lr", "gbm", "--group", "site", "--format", "json"]
    status, out, err = run_here("report", models_csv, *args)
    assert status == 0, err
    got = json.loads(out)
    for name in ["lr", "gbm"]:
        rows = got[name]["subgroups"]
        assert sorted(r["group"] for r in rows) == ["east", "north", "south"]
        for row in rows:
            part = frame[frame["site"] == row["group"]]
            y = (part["label"] == "yes").to_numpy()
            assert row["n_samples"] == len(part)
            assert row["log_loss"] == pytest.approx(sklearn_log_loss(y, part[name]))


def test_missing_group_cell_names_its_row(tmp_path):
    path = tmp_path / "pred.csv"
    path.write_text("y,p,g\n0,0.1,a\n1,0.8,\n")
    status, _, err = run_here("report", path, "--y-true", "y", "--y-proba", "p", "--group", "g")
    assert status == 2
    assert err == "skbce report: error: column 'g' has a missing value at row 2\n"


def _options(command):
    """Every option of ``command`` with a value to give it."""
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    values = {
        "--y-true": "y",
        "--y-proba": "p",
        "--weight": "w",
        "--group": "g",
        "--pos-label": "1",
        "--sep": ",",
        "--chunk-rows": "5",
        "--bins": "3",
        "--strategy": "uniform",
        "--format": "json",
        "--output": "out.txt",
    }
    found = []
    for action in sub.choices[command]._actions:
        option = max(action.option_strings, key=len, default=None)
        if option is None or option == "--help":
            continue
        found.append([option] if action.nargs == 0 else [option, values[option]])
    return found


@pytest.mark.parametrize(
    ("command", "option"),
    [(c, o) for c in ["score", "report"] for o in _options(c)],
    ids=lambda v: v if isinstance(v, str) else v[0],
)
def test_every_option_given_twice_is_an_error(tmp_path, monkeypatch, command, option):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pred.csv").write_text("y,p,w,g\n0,0.1,1,a\n1,0.8,1,b\n")
    required = {"--y-true": "y", "--y-proba": "p"}
    required.pop(option[0], None)
    flat = [v for kv in required.items() for v in kv]
    status, out, err = run_here(command, "pred.csv", *flat, *option, *option)
    assert status == 2
    assert f"{option[0]} is given twice" in err
    assert out == ""


@pytest.mark.parametrize(
    ("values", "hint", "not_hint"),
    [
        (["10", "80", "35.5"], "divide them by 100", "--from-logits"),
        (["0", "100", "1.5"], "divide them by 100", "--from-logits"),
        (["0.1", "150", "0.5"], "--from-logits", "divide them by 100"),
        (["0.1", "-2.5", "0.5"], "--from-logits", "divide them by 100"),
    ],
    ids=["percent", "percent-bounds", "above-100", "negative"],
)
def test_out_of_range_hint(tmp_path, values, hint, not_hint):
    path = tmp_path / "pred.csv"
    path.write_text("y,p\n" + "".join(f"{i % 2},{v}\n" for i, v in enumerate(values)))
    for command in ["score", "report"]:
        status, _, err = run_here(command, path, "--y-true", "y", "--y-proba", "p")
        assert status == 2
        assert hint in err and not_hint not in err, err


def test_from_logits_on_probabilities_warns_and_computes(tmp_path):
    rng = np.random.default_rng(1)
    s = np.round(rng.random(200), 6)
    y = (rng.random(200) < 0.5).astype(int)
    path = tmp_path / "pred.csv"
    pd.DataFrame({"y": y, "p": s, "z": s * 8 - 4}).to_csv(path, index=False)
    args = ["score", path, "--y-true", "y", "--y-proba", "p", "z", "--from-logits"]
    status, out, err = run_here(*args, "--format", "json")
    assert status == 0
    assert err.count("warning") == 1
    assert "--from-logits, but every value of column 'p' is within [0, 1]" in err
    got = json.loads(out)["models"]
    for name, logits in [("p", s), ("z", s * 8 - 4)]:
        expected = sklearn_log_loss(y, expit(logits))
        assert got[name]["binary_cross_entropy"] == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("block", [7, 64, 1000])
def test_block_boundaries_do_not_change_the_answer(tmp_path, monkeypatch, block):
    """Blocks cut anywhere, also inside quoted cells holding line breaks."""
    rng = np.random.default_rng(2)
    n = 300
    frame = pd.DataFrame(
        {
            "note": [f'say "hi"\nrow {i}' if i % 7 == 0 else f"r{i}" for i in range(n)],
            "y": rng.integers(0, 2, n),
            "p": np.round(rng.random(n), 5),
        }
    )
    path = tmp_path / "quoted.csv"
    frame.to_csv(path, index=False)
    monkeypatch.setattr(csv_chunks, "BLOCK_BYTES", block)
    status, out, err = run_here(
        "score", path, "--y-true", "y", "--y-proba", "p", "--format", "json"
    )
    assert status == 0, err
    got = json.loads(out)
    assert got["n_rows"] == n
    assert got["log_loss"] == pytest.approx(sklearn_log_loss(frame["y"], frame["p"]), rel=1e-12)


def test_unclosed_quote_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_chunks, "BLOCK_BYTES", 16)
    monkeypatch.setattr(csv_chunks, "MAX_CARRY", 64)
    path = tmp_path / "pred.csv"
    path.write_text('y,p\n0,"0.1\n' + "1,0.5\n" * 50)
    status, _, err = run_here("score", path, "--y-true", "y", "--y-proba", "p")
    assert status == 2
    assert (
        err
        == "skbce score: error: cannot read " + str(path) + ": a quote is not closed within 0 MiB\n"
    )


def test_missing_pyarrow_names_the_extra(tmp_path, monkeypatch):
    import importlib

    real = importlib.import_module

    def fake(name, *args, **kwargs):
        if name.split(".")[0] == "pyarrow":
            msg = f"No module named {name!r}"
            raise ImportError(msg)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(importlib, "import_module", fake)
    path = tmp_path / "pred.csv"
    path.write_text("y,p\n0,0.1\n1,0.8\n")
    status, _, err = run_here("score", path, "--y-true", "y", "--y-proba", "p")
    assert status == 2
    assert err == (
        "skbce score: error: Reading CSV files requires pyarrow, which is not installed; "
        'run: pip install "skbce[cli]"\n'
    )


# --- start-up: which modules each entry point imports ------------------------------------

MODULES = """\
import sys
{code}
print("modules:", *sorted(m for m in sys.modules if m.split(".")[0] in {tops!r}))
"""

HEAVY = ("sklearn", "scipy", "matplotlib", "pandas")


def _imported(code, tops):
    result = subprocess.run(
        [sys.executable, "-c", MODULES.format(code=code, tops=set(tops))],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return set(result.stdout.splitlines()[-1].split()[1:])


def test_import_skbce_is_light():
    assert _imported("import skbce", HEAVY) == set()
    # and the public names still come when asked for
    loaded = _imported("import skbce; skbce.log_loss; skbce.__version__", ("sklearn",))
    assert "sklearn" in loaded


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["score", "--help"]])
def test_version_and_help_import_no_numpy(args):
    code = (
        f"from skbce._cli.main import main\ntry:\n    main({args!r})\nexcept SystemExit:\n    pass"
    )
    assert _imported(code, (*HEAVY, "numpy", "pyarrow")) == set()


def test_score_imports_only_what_it_uses(tmp_path):
    path = tmp_path / "pred.csv"
    path.write_text("y,p\n0,0.1\n1,0.8\n")
    command = ["score", str(path), "--y-true", "y", "--y-proba", "p"]
    code = f"from skbce._cli.main import main\nmain({command!r})"
    loaded = _imported(code, ("matplotlib", "skbce"))
    assert not any(m.split(".")[0] == "matplotlib" for m in loaded)
    assert not any(
        m.startswith(("skbce._report", "skbce._render", "skbce._scorer")) for m in loaded
    )
    assert "skbce._metrics.streaming" in loaded


@pytest.mark.parametrize(
    ("text", "extra"),
    [
        ("y,p\n0,0.1\n1,0.8\n1,0.6\n", []),
        ("y,p,q,w\nyes,0.1,0.2,1\nno,0.8,0.7,0.5\nyes,0.6,0.9,2\n", ["q", "--weight", "w"]),
    ],
    ids=["numbers", "text-labels-weights-two-models"],
)
def test_score_reads_and_scores_without_sklearn_scipy_or_pandas(tmp_path, text, extra):
    path = tmp_path / "pred.csv"
    path.write_text(text)
    command = ["score", str(path), "--y-true", "y", "--y-proba", "p", *extra]
    if "yes" in text:
        command += ["--pos-label", "yes"]
    code = f"from skbce._cli.main import main\nmain({command!r})"
    assert _imported(code, ("sklearn", "scipy", "pandas")) == set()
