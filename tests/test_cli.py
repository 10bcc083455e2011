"""The command line, driven as a user drives it: in a subprocess.

Expected values come from the library functions (and scikit-learn's Brier
score) on the same data held in memory.
"""

import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import brier_score_loss

from skbce import binary_cross_entropy, log_loss, normalized_cross_entropy
from skbce._cli.main import main

# Runs the command line with some modules made unimportable (as if not installed).
HIDE = """\
import sys
class Hide:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {hidden!r}:
            raise ImportError(f"{{name}} is hidden")
sys.meta_path.insert(0, Hide())
from skbce._cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def run(*args, cwd=None, hide=(), check=None, **kwargs):
    """Run ``python -m skbce ARGS``; ``check`` is the expected exit status."""
    if hide:
        command = [sys.executable, "-c", HIDE.format(hidden=set(hide)), *args]
    else:
        command = [sys.executable, "-m", "skbce", *args]
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    result = subprocess.run(command, cwd=cwd, text=True, timeout=120, **kwargs)
    if check is not None:
        assert result.returncode == check, result.stderr
    return result


def write_csv(path, columns):
    """Write ``{name: values}`` as CSV with a header line."""
    names = list(columns)
    rows = zip(*(columns[n] for n in names), strict=True)
    text = ",".join(names) + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows)
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wt") as f:
        f.write(text)
    return path


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    n = 500
    p = rng.random(n)
    y = (rng.random(n) < p).astype(int)
    w = rng.integers(1, 4, n)
    return y, p, w


def expected_scores(y, s, w=None, *, pos_label=None, from_logits=False):
    """The scores from the library, on the data in memory (labels coded 0/1)."""
    t = (np.asarray(y) == pos_label).astype(int) if pos_label is not None else y
    p = 1 / (1 + np.exp(-s)) if from_logits else s
    return {
        "log_loss": log_loss(t, p, sample_weight=w),
        "binary_cross_entropy": binary_cross_entropy(
            t, s, sample_weight=w, from_logits=from_logits
        ),
        "normalized_cross_entropy": normalized_cross_entropy(
            t, s, sample_weight=w, from_logits=from_logits
        ),
        "brier_score": brier_score_loss(t, p, sample_weight=w),
    }


def score_json(*args, **kwargs):
    """``skbce score ARGS --format json`` in a subprocess, parsed."""
    result = run("score", *args, "--format", "json", check=0, **kwargs)
    assert result.stderr == ""  # no progress bar in a pipe
    return json.loads(result.stdout)


def score_here(capsys, *args):
    """The same, in this process (faster: for the many variations)."""
    assert main(["score", *map(str, args), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return json.loads(out)


SCORES = ["log_loss", "binary_cross_entropy", "normalized_cross_entropy", "brier_score"]


def assert_scores(got, expected):
    for key in SCORES:
        value = expected[key]
        assert got[key] == pytest.approx(value, rel=1e-12), key


def test_score_matches_the_library(tmp_path, capsys, data):
    y, p, w = data
    path = write_csv(tmp_path / "pred.csv", {"y": y, "p": p, "w": w})
    got = score_here(capsys, path, "--y-true", "y", "--y-proba", "p")
    assert got["n_rows"] == len(y)
    assert got["positive_class"] == 1
    assert_scores(got, expected_scores(y, p))
    got = score_json(path, "--y-true", "y", "--y-proba", "p", "--weight", "w")
    assert got["total_weight"] == w.sum()
    assert_scores(got, expected_scores(y, p, w))


def test_score_text_output(tmp_path, capsys, data):
    y, p, _ = data
    path = write_csv(tmp_path / "pred.csv", {"y": y, "p": p})
    assert main(["score", str(path), "--y-true", "y", "--y-proba", "p"]) == 0
    out = capsys.readouterr().out
    for name in ["log loss", "binary cross-entropy", "normalized cross-entropy", "Brier"]:
        assert name in out
    assert f"{log_loss(y, p):.6g}" in out


def test_score_logits(tmp_path, capsys, data):
    y, p, _ = data
    z = np.log(p) - np.log1p(-p)
    z[:3] = [40.0, -40.0, 800.0]  # confident: the logits are not clipped
    path = write_csv(tmp_path / "pred.csv", {"y": y, "z": z})
    got = score_here(capsys, path, "--y-true", "y", "--y-proba", "z", "--from-logits")
    assert_scores(got, expected_scores(y, z, from_logits=True))
    assert got["binary_cross_entropy"] > got["log_loss"]  # 800 is not clipped


@pytest.mark.parametrize("first", ["spam", "ham"], ids=["positive-first", "negative-first"])
def test_score_in_small_chunks(tmp_path, capsys, data, first):
    """Chunks of one class first: the positive class is settled late."""
    y, p, w = data
    other = "ham" if first == "spam" else "spam"
    order = np.argsort(y != 1, kind="stable")  # all positives first
    labels = np.where(y[order] == 1, first, other)
    p, w = p[order], w[order]
    path = write_csv(tmp_path / "pred.csv", {"label": labels, "p": p, "w": w})
    args = [path, "--y-true", "label", "--y-proba", "p", "--weight", "w"]
    got = score_here(capsys, *args, "--chunk-rows", "7")
    assert got["positive_class"] == "spam"
    assert_scores(got, expected_scores(labels, p, w, pos_label="spam"))
    got = score_here(capsys, *args, "--chunk-rows", "7", "--pos-label", "ham")
    assert got["positive_class"] == "ham"
    assert_scores(got, expected_scores(labels, p, w, pos_label="ham"))


def test_score_gzip_and_pandas_free_reader(tmp_path, capsys, data):
    y, p, w = data
    columns = {"y": y, "p": p, "w": w}
    args = ["--y-true", "y", "--y-proba", "p", "--weight", "w", "--chunk-rows", "64"]
    plain = score_here(capsys, write_csv(tmp_path / "pred.csv", columns), *args)
    packed = score_here(capsys, write_csv(tmp_path / "pred.csv.gz", columns), *args)
    no_pandas = score_json(tmp_path / "pred.csv.gz", *args, hide=["pandas"])
    for got in [packed, no_pandas]:
        assert_scores(got, plain)


def test_score_parquet(tmp_path, capsys, data):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    y, p, w = data
    labels = np.where(y == 1, "yes", "no")
    table = pa.table({"label": labels, "p": p, "w": w})
    path = tmp_path / "pred.parquet"
    pq.write_table(table, path, row_group_size=100)
    args = ["--y-true", "label", "--y-proba", "p", "--weight", "w"]
    got = score_here(capsys, path, *args, "--chunk-rows", "64")
    assert got["positive_class"] == "yes"
    assert_scores(got, expected_scores(labels, p, w, pos_label="yes"))
    result = run("score", path, *args, hide=["pyarrow"], check=2)
    assert 'pip install "skbce[cli]"' in result.stderr


CSV = "y,p,w\n0,0.1,1\n1,0.8,2\n1,0.6,1\n"


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (CSV, ["--y-proba", "prob"], "no column 'prob'; its columns are: y, p, w"),
        (CSV, ["--weight", "weight"], "no column 'weight'"),
        ("y,p\n0,0.1\n1,abc\n", [], "column 'p' must hold numbers, but row 2 has 'abc'"),
        ("y,p\n0,0.1\n1,\n", [], "column 'p' has a missing or NaN value at row 2"),
        ("y,p\n0,0.1\n1,nan\n", [], "column 'p' has a missing or NaN value at row 2"),
        ("y,p\n0,0.1\n1,1.5\n", [], r"within \[0, 1\], but row 2 has 1.5"),
        ("y,p\n0,-0.5\n1,0.5\n", [], r"within \[0, 1\], but row 1 has -0.5"),
        ("y,p\n0,0.1\n,0.5\n", [], "column 'y' has a missing value at row 2"),
        ("y,p\n0,0.1\n2,0.5\n1,0.2\n", [], "two classes, but row 3 has 1"),
        ("y,p\n0,0.1\n0,0.5\n", [], "holds a single class .0.; skbce score needs both"),
        ("y,p\n0,0.1\n0,0.5\n", ["--pos-label", "0"], "holds a single class .0.; skbce score"),
        ("y,p\n0,0.1\n1,0.5\n", ["--pos-label", "yes"], "--pos-label 'yes' is not a label"),
        ("y,p\n0,inf\n1,0.5\n", ["--from-logits"], "finite logits, but row 1 has inf"),
        ("y,p,w\n0,0.1,a\n1,0.5,1\n", ["--weight", "w"], "column 'w' must hold numbers"),
        ("y,p\n", [], "has no rows"),
        ("", [], "is empty"),
        (CSV, ["--chunk-rows", "0"], "--chunk-rows: must be a positive integer"),
        (CSV, ["--y-proba", "y"], "the same column is given twice"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 30 else None,
)
def test_score_errors(tmp_path, capsys, content, args, message):
    """Every mistake: one line on stderr, status 2 (in-process: fast)."""
    path = tmp_path / "pred.csv"
    path.write_text(content)
    defaults = {"--y-true": "y", "--y-proba": "p"}
    for flag in args:
        defaults.pop(flag, None)
    flat = [v for kv in defaults.items() for v in kv]
    assert main(["score", str(path), *flat, *args]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("skbce score: error: ")
    assert re.search(message, err), err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("y,p\n0,0.1\n1,abc\n", "column 'p' must hold numbers, but row 2 has 'abc'"),
        ("y,q\n0,0.1\n", "pred.csv has no column 'p'; its columns are: y, q (delimiter ',')"),
    ],
    ids=["text", "column"],
)
def test_score_errors_in_a_subprocess(tmp_path, content, message):
    (tmp_path / "pred.csv").write_text(content)
    result = run("score", "pred.csv", "--y-true", "y", "--y-proba", "p", cwd=tmp_path, check=2)
    assert result.stdout == ""
    assert result.stderr == f"skbce score: error: {message}\n"


def test_a_mistake_in_the_data_never_aborts_the_process(tmp_path):
    """Twenty runs on a file with a bad value: status 2 each time, never a crash.

    With pyarrow 14, parsing with its thread pool left tasks behind when the
    conversion failed, and about one run in ten ended with status -6
    ("terminate called without an active exception") on a loaded machine;
    about one in a hundred failed with status 1 while the reader thread and
    the main thread both imported ``typing`` (see ``skbce/_cli/chunk.py``).
    """
    (tmp_path / "pred.csv").write_text("y,p\n0,0.1\n1,abc\n")
    codes = [
        run("score", "pred.csv", "--y-true", "y", "--y-proba", "p", cwd=tmp_path).returncode
        for _ in range(20)
    ]
    assert codes == [2] * 20


def test_missing_file_and_directory(tmp_path, capsys):
    result = run("score", "nope.csv", "--y-true", "y", "--y-proba", "p", cwd=tmp_path, check=2)
    assert result.stderr == "skbce score: error: no such file: nope.csv\n"
    assert main(["score", str(tmp_path), "--y-true", "y", "--y-proba", "p"]) == 2
    assert "is a directory" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("latin1.csv", b"y,p\n0,0.1\n\xe9,0.3\n", "is not UTF-8 text"),
        ("cut.csv.gz", gzip.compress(b"y,p\n0,0.1\n1,0.3\n" * 100)[:40], "cannot read"),
        ("bad.parquet", b"PAR1 but not parquet", "bad.parquet as Parquet"),
    ],
    ids=["encoding", "truncated-gzip", "bad-parquet"],
)
def test_unreadable_files(tmp_path, capsys, name, content, message):
    if name.endswith(".parquet"):
        pytest.importorskip("pyarrow")
    path = tmp_path / name
    path.write_bytes(content)
    assert main(["score", str(path), "--y-true", "y", "--y-proba", "p"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and message in err, err


def test_missing_argument_is_one_line():
    result = run("score", "pred.csv", "--y-proba", "p", check=2)
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "skbce score: error: the following arguments are required: --y-true "
        "(see skbce score --help)"
    ]


@pytest.mark.parametrize("command", [[], ["score"]], ids=["skbce", "score"])
def test_help_has_examples(capsys, command):
    assert main([*command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: skbce {' '.join(command)}".rstrip())
    assert "examples:" in out


def test_python_m_skbce_and_console_script():
    import skbce

    result = run("--help", check=0)
    assert result.stdout.startswith("usage: skbce")
    script = Path(sys.executable).parent / ("skbce.exe" if os.name == "nt" else "skbce")
    if not script.exists():
        pytest.skip("the skbce console script is not installed next to python")
    result = subprocess.run([script, "--version"], capture_output=True, text=True)
    assert result.stdout.strip() == f"skbce {skbce.__version__}"


@pytest.mark.skipif(os.name == "nt", reason="needs a pseudo-terminal")
def test_progress_bar_on_a_terminal(tmp_path, data):
    import pty

    y, p, _ = data
    path = write_csv(tmp_path / "pred.csv", {"y": y, "p": p})
    leader, follower = pty.openpty()
    try:
        result = run(
            "score",
            path,
            "--y-true",
            "y",
            "--y-proba",
            "p",
            "--chunk-rows",
            "50",
            "--format",
            "json",
            stderr=follower,
        )
        os.close(follower)
        drawn = b""
        while True:
            try:
                block = os.read(leader, 1 << 16)
            except OSError:
                break
            if not block:
                break
            drawn += block
    finally:
        os.close(leader)
    assert result.returncode == 0
    assert json.loads(result.stdout)["n_rows"] == len(y)
    assert b"skbce score [" in drawn and b"rows" in drawn


# --- skbce report ---------------------------------------------------------------------


@pytest.fixture
def labelled_csv(tmp_path, data):
    """Labels sorted so that the first chunks hold one class only.

    Probabilities have six decimals, which every CSV parser reads exactly
    (pandas < 2.1's default parser can miss the last bit of longer ones).
    """
    y, p, w = data
    p = p.round(6)
    order = np.argsort(y, kind="stable")
    labels = np.where(y[order] == 1, "spam", "ham")
    path = write_csv(tmp_path / "pred.csv", {"label": labels, "p": p[order], "w": w[order]})
    return path, labels, p[order], w[order]


def test_report_formats_match_the_library(capsys, labelled_csv):
    from skbce._report.report import calibration_report

    path, labels, p, w = labelled_csv
    expected = calibration_report(labels, p, sample_weight=w, n_bins=8, strategy="quantile")
    args = ["report", str(path), "--y-true", "label", "--y-proba", "p", "--weight", "w"]
    args += ["--bins", "8", "--strategy", "quantile", "--chunk-rows", "50"]
    assert main([*args, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(expected.to_dict()))
    assert main(args) == 0
    assert capsys.readouterr().out == str(expected) + "\n"
    assert main([*args, "--format", "markdown"]) == 0
    assert capsys.readouterr().out == expected.to_markdown() + "\n"


def test_report_html_file(tmp_path, labelled_csv):
    path, *_ = labelled_csv
    out = tmp_path / "report.html"
    result = run(
        "report",
        path,
        "--y-true",
        "label",
        "--y-proba",
        "p",
        "--format",
        "html",
        "-o",
        out,
        check=0,
    )
    assert result.stdout == ""
    assert result.stderr == f"skbce report: wrote {out}\n"
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "<svg" in text
    assert "column &#x27;label&#x27;" in text  # the column names, escaped


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("y,p\n0,0.1\n0,0.5\n", ["--pos-label", "0"], "holds a single class .0.; a calibration"),
        ("y,p\n0,0.1\n1,0.5\n", ["--bins", "3"], "--bins 3 is more than the number of rows .2."),
        ("y,p\n0,0.1\n1,0.5\n", ["--bins", "2", "-o", "/nonexistent/r.txt"], "cannot write"),
        ("y,p\n0,0.1\n1,0.5\n", ["--strategy", "equal"], "--strategy: invalid choice"),
        ("y,p\n0,0.1\n1,x\n", [], "column 'p' must hold numbers, but row 2 has 'x'"),
    ],
    ids=["one-class", "bins", "output", "strategy", "text"],
)
def test_report_errors(tmp_path, capsys, content, args, message):
    path = tmp_path / "pred.csv"
    path.write_text(content)
    assert main(["report", str(path), "--y-true", "y", "--y-proba", "p", *args]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("skbce report: error: ")
    assert re.search(message, err), err


# --- skbce demo -----------------------------------------------------------------------


def test_demo(tmp_path):
    """The README's first command: tunes two models, writes skbce-demo.html here."""
    result = run("demo", cwd=tmp_path, check=0)
    out = result.stdout
    page = tmp_path / "skbce-demo.html"
    assert f"wrote the HTML report to {page}" in out
    for expected in [
        "tuning logistic regression",
        "tuning gradient boosting",
        "best:",
        "Calibration comparison",
        "reliability on the test set",
    ]:
        assert expected in out
    text = page.read_text(encoding="utf-8")
    assert text.count('class="curve"') == 4  # the overlay and one per model
    assert "<script" not in text
