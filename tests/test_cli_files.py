"""The command line on files as people have them: damaged, oddly delimited, split in chunks.

Every bad file is generated here; each must end in exit status 2 with exactly
one line on stderr (never a traceback) and leave no output file behind.  The
answer must not depend on how the file is split into blocks and chunks, nor
on whether pandas is installed (the one reader is pyarrow's); scores are
checked against scikit-learn.
"""

import builtins
import contextlib
import gzip
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import brier_score_loss
from sklearn.metrics import log_loss as sklearn_log_loss

from skbce._cli.main import main

JSON_ARGS = ("--y-true", "y", "--y-proba", "p", "--format", "json")

GOOD = "y,p\n" + "0,0.1\n1,0.8\n1,0.6\n0,0.3\n" * 500


def _parquet(table):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    sink = io.BytesIO()
    pq.write_table(pa.table(table) if isinstance(table, dict) else table, sink)
    return sink.getvalue()


def _parquet_duplicate_names():
    pa = pytest.importorskip("pyarrow")
    return _parquet(
        pa.table([pa.array([0, 1]), pa.array([0.1, 0.8]), pa.array([1, 2])], names=["y", "p", "y"])
    )


def _parquet_typed(column, kind):
    pa = pytest.importorskip("pyarrow")
    values = {
        "map": pa.array([[("a", 1)], [("b", 2)]], type=pa.map_(pa.string(), pa.int64())),
        "list": pa.array([[1], [0]]),
        "struct": pa.array([{"a": 1}, {"a": 2}]),
    }[kind]
    other = pa.array([0.1, 0.8]) if column == "y" else pa.array([0, 1])
    names = [column, "p" if column == "y" else "y"]
    return _parquet(pa.table([values, other], names=names))


#: name -> (file content, or a function making it)
BAD_FILES = {
    "truncated.csv.gz": lambda: gzip.compress(GOOD.encode())[:-12],
    "cut-in-the-middle.csv.gz": lambda: gzip.compress(os.urandom(4000).hex().encode())[:900],
    "gzip-magic-then-garbage.csv": b"\x1f\x8b" + bytes(range(256)) * 4,
    "gzip-header-then-garbage.csv.gz": b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"x" * 300,
    "quoted-newline-in-header.csv": b'"y\nz",p\n0,0.1\n1,0.8\n',
    "unterminated-quote.csv": b'y,p\n0,"0.1\n1,0.8\n' + b"1,0.5\n" * 300,
    "unterminated-quote-in-header.csv": b'"y,p\n0,0.1\n1,0.8\n' + b"1,0.5\n" * 300,
    "extra-field.csv": b"y,p\n0,0.1\n1,0.8,5\n1,0.3\n",
    "extra-field-first-row.csv": b"y,p\n0,0.1,3\n1,0.8\n",
    "extra-field-every-row.csv": b"y,p\n0,0.1,3\n1,0.8,4\n",
    "duplicate-columns.csv": b"y,p,y\n0,0.1,1\n1,0.8,0\n",
    "duplicate-columns-semicolon.csv": b"y;p;p\n0;0.1;1\n1;0.8;0\n",
    "empty.csv": b"",
    "blank-lines.csv": b"\n\n\n",
    "header-only.csv": b"y,p\n",
    "latin-1.csv": b"y,p\n0,0.1\n\xe9,0.3\n",
    "utf-16.csv": "y,p\n0,0.1\n1,0.3\n".encode("utf-16"),
    "binary.csv": bytes(range(256)),
    "decimal-comma.csv": b"y;p\n0;0,1\n1;0,8\n",
    "not-parquet.parquet": b"PAR1 but not parquet",
    "parquet-duplicate-columns.parquet": _parquet_duplicate_names,
    "parquet-map-labels.parquet": lambda: _parquet_typed("y", "map"),
    "parquet-list-labels.parquet": lambda: _parquet_typed("y", "list"),
    "parquet-struct-scores.parquet": lambda: _parquet_typed("p", "struct"),
    "parquet-cut.parquet": lambda: _parquet({"y": [0, 1] * 50, "p": [0.5] * 100})[:-40],
}


@contextlib.contextmanager
def pandas_hidden():
    """``import pandas`` fails inside the block, as if pandas were not installed."""
    real = builtins.__import__

    def fake(name, *args, **kwargs):
        if name.split(".")[0] == "pandas":
            msg = f"{name} is hidden"
            raise ImportError(msg)
        return real(name, *args, **kwargs)

    builtins.__import__ = fake
    try:
        yield
    finally:
        builtins.__import__ = real


def run_here(*args, hide_pandas=False):
    """``main(args)`` in this process: (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    hide = pandas_hidden() if hide_pandas else contextlib.nullcontext()
    with hide, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([str(a) for a in args])
    return status, out.getvalue(), err.getvalue()


def strict_json(text):
    """``json.loads`` that refuses NaN and Infinity."""

    def refuse(token):
        msg = f"invalid JSON token {token}"
        raise ValueError(msg)

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("hide_pandas", [False, True], ids=["pandas", "no-pandas"])
@pytest.mark.parametrize("command", ["score", "report"])
@pytest.mark.parametrize("name", list(BAD_FILES))
def test_bad_file_is_one_line_and_no_output(tmp_path, name, command, hide_pandas):
    content = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(content() if callable(content) else content)
    out = tmp_path / "out.html"
    args = [command, path, "--y-true", "y", "--y-proba", "p"]
    if command == "report":
        args += ["--format", "html", "-o", out]
    status, stdout, stderr = run_here(*args, hide_pandas=hide_pandas)
    assert status == 2, stderr
    assert stdout == ""
    assert len(stderr.splitlines()) == 1, stderr
    assert stderr.startswith(f"skbce {command}: error: ")
    assert "Traceback" not in stderr
    assert len(stderr) < 300, stderr  # the rest of the file is never echoed
    assert not out.exists()


def test_bad_files_in_a_subprocess(tmp_path):
    """The same through ``python -m skbce``: nothing but one line on stderr."""
    for name in ["truncated.csv.gz", "gzip-magic-then-garbage.csv", "extra-field.csv"]:
        path = tmp_path / name
        content = BAD_FILES[name]
        path.write_bytes(content() if callable(content) else content)
        result = subprocess.run(
            [sys.executable, "-m", "skbce", "score", path, "--y-true", "y", "--y-proba", "p"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 2
        assert result.stdout == ""
        assert len(result.stderr.splitlines()) == 1, result.stderr


# --- delimiters, byte-order mark --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "sep"),
    [
        ("\ufeffy,p\n0,0.1\n1,0.8\n1,0.6\n", None),
        ("y;p\n0;0.1\n1;0.8\n1;0.6\n", None),
        ("y\tp\n0\t0.1\n1\t0.8\n1\t0.6\n", None),
        ("y|p\n0|0.1\n1|0.8\n1|0.6\n", None),
        ("\ufeffy;p\n0;0.1\n1;0.8\n1;0.6\n", ";"),
        ("y p\n0 0.1\n1 0.8\n1 0.6\n", " "),
        ("y\tp\n0\t0.1\n1\t0.8\n1\t0.6\n", "tab"),
        ('"y","p"\n"0","0.1"\n"1","0.8"\n"1","0.6"\n', None),
    ],
    ids=["bom", "semicolon", "tab", "pipe", "bom-and-sep", "sep-space", "sep-tab", "quoted"],
)
@pytest.mark.parametrize("hide_pandas", [False, True], ids=["pandas", "no-pandas"])
def test_delimiters_and_bom(tmp_path, text, sep, hide_pandas):
    path = tmp_path / "pred.csv"
    path.write_text(text, encoding="utf-8")
    args = ["score", path, "--y-true", "y", "--y-proba", "p", "--format", "json"]
    if sep is not None:
        args += ["--sep", sep]
    status, out, err = run_here(*args, hide_pandas=hide_pandas)
    assert status == 0, err
    got = strict_json(out)
    assert got["log_loss"] == pytest.approx(sklearn_log_loss([0, 1, 1], [0.1, 0.8, 0.6]))


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [("y,p\n0,0.1\n", "','"), ("y;p\n0;0.1\n", "';'"), ("y\tp\n0\t0.1\n", "tab")],
)
def test_missing_column_names_the_delimiter(tmp_path, text, delimiter):
    path = tmp_path / "pred.csv"
    path.write_text(text)
    status, _, err = run_here("score", path, "--y-true", "y", "--y-proba", "q")
    assert status == 2
    assert err.strip().endswith(f"its columns are: y, p (delimiter {delimiter})"), err


def test_sep_must_be_one_character(tmp_path):
    path = tmp_path / "pred.csv"
    path.write_text("y,p\n0,0.1\n1,0.8\n")
    status, _, err = run_here("score", path, "--y-true", "y", "--y-proba", "p", "--sep", ";;")
    assert status == 2 and "--sep: must be one character" in err


# --- the positive class does not depend on chunking -----------------------------------

LABEL_KINDS = {
    "ints": st.sampled_from([(1, 2), (0, 1), (3, 7), (-5, 5)]),
    "zero-minus-one": st.just((0, -1)),
    "strings": st.sampled_from([("ham", "spam"), ("b", "a"), ("no", "yes")]),
    "bools": st.sampled_from([("True", "False"), ("true", "FALSE")]),
    "floats": st.just(("0.0", "1.0")),
}


@st.composite
def label_files(draw):
    """A label column of one kind (maybe a single class), probabilities and weights."""
    kind = draw(st.sampled_from(sorted(LABEL_KINDS)))
    pair = draw(LABEL_KINDS[kind])
    n = draw(st.integers(1, 25))
    one_class = draw(st.booleans()) if n > 1 else True
    picks = draw(st.lists(st.integers(0, 0 if one_class else 1), min_size=n, max_size=n))
    if not one_class and len(set(picks)) < 2:
        picks[0] = 1 - picks[-1]
    labels = [str(pair[k]) for k in picks]
    p = draw(st.lists(st.integers(0, 10**6), min_size=n, max_size=n))
    w = draw(st.one_of(st.none(), st.lists(st.integers(1, 9), min_size=n, max_size=n)))
    return labels, [v / 10**6 for v in p], w


def _csv(labels, p, w):
    header = "y,p" + (",w" if w is not None else "")
    rows = [
        f"{y},{q:.6f}" + (f",{w[i]}" if w is not None else "")
        for i, (y, q) in enumerate(zip(labels, p, strict=True))
    ]
    return header + "\n" + "\n".join(rows) + "\n"


def _expected_positive(labels):
    """The positive class by scikit-learn's rule: the greater of the two labels."""
    values = set()
    for text in labels:
        lowered = text.lower()
        if lowered in ("true", "false"):
            values.add(int(lowered == "true"))
        else:
            try:
                values.add(int(float(text)))
            except ValueError:
                values.add(text)
    return max(values), len(values)


@settings(max_examples=60, deadline=None)
@given(data=label_files())
def test_results_do_not_depend_on_chunking(data):
    labels, p, w = data
    with contextlib.ExitStack() as stack:
        folder = stack.enter_context(__import__("tempfile").TemporaryDirectory())
        path = os.path.join(folder, "pred.csv")
        with open(path, "w") as f:
            f.write(_csv(labels, p, w))
        args = ["score", path, "--y-true", "y", "--y-proba", "p", "--format", "json"]
        if w is not None:
            args += ["--weight", "w"]
        results = [
            run_here(*args, *extra) for extra in (["--chunk-rows", "1"], ["--chunk-rows", "7"], [])
        ]
    statuses = {r[0] for r in results}
    assert len(statuses) == 1, results
    positive, n_classes = _expected_positive(labels)
    if n_classes < 2:
        assert statuses == {2}
        assert len({r[2] for r in results}) == 1  # the same message
        assert "holds a single class" in results[0][2]
        return
    assert statuses == {0}, results
    got = [strict_json(r[1]) for r in results]
    t = np.array([_expected_positive([v])[0] == positive for v in labels], dtype=int)
    expected = {
        "log_loss": sklearn_log_loss(t, p, sample_weight=w, labels=[0, 1]),
        "brier_score": brier_score_loss(t, p, sample_weight=w, pos_label=1),
    }
    for g in got:
        assert g["positive_class"] == positive
        assert g["n_rows"] == len(labels)
        for key, value in expected.items():
            assert g[key] == pytest.approx(value, rel=1e-9, abs=1e-12), key
        for key in g:
            if isinstance(g[key], float):
                assert g[key] == pytest.approx(got[0][key], rel=1e-12, abs=1e-15), key


def test_issue_example_positive_class(tmp_path):
    """Issue #11's example: 2 is positive however the file is split."""
    path = tmp_path / "l.csv"
    path.write_text("y,p\n1,0.9\n2,0.2\n1,0.7\n2,0.4\n")
    for rows in ["1", "2", "1000"]:
        status, out, _ = run_here(
            "score",
            path,
            *JSON_ARGS,
            "--chunk-rows",
            rows,
        )
        got = strict_json(out)
        assert got["positive_class"] == 2
        expected = sklearn_log_loss([0, 1, 0, 1], [0.9, 0.2, 0.7, 0.4])
        assert got["log_loss"] == pytest.approx(expected, rel=1e-12)
    path.write_text("y,p\n0,0.9\n0,0.2\n-1,0.7\n-1,0.4\n")
    status, out, err = run_here(
        "score", path, "--y-true", "y", "--y-proba", "p", "--chunk-rows", "1", "--format", "json"
    )
    assert status == 0, err
    assert strict_json(out)["positive_class"] == 0


# --- one set of rules: cells checked against scikit-learn ------------------------------

#: Cells that read well (drawn five times as often) and cells that do not.
CELLS = {
    "y": (["0", "1", "1.0", " 1", "true", "False"], [""]),
    "p": (["0.25", "1e-3", " 0.5", "0.5 ", "1", "0", '"0.75"'], ["", "nan", "NA", "x"]),
    "w": (["1", "2.5", "0", "1e3"], ["", "-1"]),
}


def _cell(column):
    good, bad = CELLS[column]
    return st.sampled_from(good * 5 + bad)


def _label(cell):
    text = cell.strip().lower()
    return {"true": 1.0, "false": 0.0}[text] if text in ("true", "false") else float(text)


@settings(max_examples=80, deadline=None)
@given(
    rows=st.lists(st.tuples(*(_cell(c) for c in "ypw")), min_size=1, max_size=12),
    weighted=st.booleans(),
    chunk=st.sampled_from(["1", "3", "1000"]),
)
def test_cells_follow_one_rule(rows, weighted, chunk):
    """A bad cell fails at its row; otherwise the numbers are scikit-learn's."""
    text = "y,p,w\n" + "".join(",".join(r) + "\n" for r in rows)
    used = [0, 1, 2] if weighted else [0, 1]
    bad_rows = [i + 1 for i, r in enumerate(rows) if any(r[k] in CELLS["ypw"[k]][1] for k in used)]
    with __import__("tempfile").TemporaryDirectory() as folder:
        path = os.path.join(folder, "pred.csv")
        with open(path, "w") as f:
            f.write(text)
        args = ["score", path, *JSON_ARGS, "--chunk-rows", chunk]
        status, out, err = run_here(*args, *(["--weight", "w"] if weighted else []))
    if bad_rows:
        assert status == 2
        assert f"row {bad_rows[0]}" in err, (err, bad_rows)
        return
    y = np.array([_label(r[0]) for r in rows])
    p = np.array([float(r[1].strip('"')) for r in rows])
    w = np.array([float(r[2]) for r in rows]) if weighted else None
    classes = set(y[w > 0].tolist()) if weighted else set(y.tolist())
    if status == 2:
        assert "single class" in err or "weight" in err, err
        assert len(classes) < 2 or w.sum() == 0
        return
    got = strict_json(out)
    assert got["log_loss"] == pytest.approx(
        sklearn_log_loss(y, p, sample_weight=w, labels=[0, 1]), rel=1e-12
    )
    assert got["brier_score"] == pytest.approx(brier_score_loss(y, p, sample_weight=w), rel=1e-12)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("y,p\n0,0.1\n1,\n", "column 'p' has a missing or NaN value at row 2"),
        ("y,p\n0,0.1\n1,NaN\n", "column 'p' has a missing or NaN value at row 2"),
        ("y,p\n0,0.1\n,0.5\n", "column 'y' has a missing value at row 2"),
        ("y,p\nno,0.1\nyes,0.5\n,0.5\n", "column 'y' has a missing value at row 3"),
        ("y,p,w\n0,0.1,1\n1,0.5,\n", "column 'w' has a missing or NaN value at row 2"),
        ("y,p\n0,0.1\n1\n", "cannot read pred.csv: row 2 has 1 field ('1'), the header 2"),
        (
            "y,p\n0,0.1\n\n1,0.2,3\n",
            "cannot read pred.csv: row 2 has 3 fields ('1,0.2,3'), the header 2",
        ),
        # the first row malformed: pyarrow said "Empty CSV file"
        (
            "y,p\n1,0.7,9\n0,0.3\n",
            "cannot read pred.csv: row 1 has 3 fields ('1,0.7,9'), the header 2",
        ),
        ("y,p\n1\n0,0.3\n1,0.4\n", "cannot read pred.csv: row 1 has 1 field ('1'), the header 2"),
        (
            'y,p\n1,0.7\n"0,0.3\n1,0.4\n',
            "cannot read pred.csv: row 2 has a quote that is not closed ('\"0,0.3')",
        ),
    ],
    ids=[
        "empty-p",
        "nan-p",
        "empty-y",
        "empty-text-y",
        "empty-w",
        "short-row",
        "long-row",
        "long-first-row",
        "short-first-row",
        "open-quote",
    ],
)
def test_empty_cells_and_ragged_rows_name_their_row(tmp_path, monkeypatch, text, message):
    monkeypatch.chdir(tmp_path)
    Path("pred.csv").write_text(text)
    args = ["score", "pred.csv", "--y-true", "y", "--y-proba", "p"]
    if ",w" in text:
        args += ["--weight", "w"]
    status, _, err = run_here(*args)
    assert status == 2
    assert err == f"skbce score: error: {message}\n"


def test_parquet_gives_the_numbers_of_csv(tmp_path):
    rng = np.random.default_rng(0)
    labels = rng.choice(["no", "yes"], 200)
    p = np.round(rng.random(200), 6)
    pq_path = tmp_path / "pred.parquet"
    pq_path.write_bytes(_parquet({"y": labels, "p": p}))
    csv_path = tmp_path / "pred.csv"
    csv_path.write_text(_csv(list(labels), list(p), None))
    outs = []
    for path in (pq_path, csv_path):
        status, out, err = run_here(
            "score",
            path,
            *JSON_ARGS,
            "--chunk-rows",
            "13",
        )
        assert status == 0, err
        outs.append(strict_json(out))
    assert outs[0]["positive_class"] == outs[1]["positive_class"] == "yes"
    assert outs[0]["n_rows"] == outs[1]["n_rows"] == 200
    for key in ("log_loss", "brier_score", "normalized_cross_entropy"):
        assert outs[0][key] == pytest.approx(outs[1][key], rel=1e-12)


# --- JSON, outputs, warnings ----------------------------------------------------------


def test_report_json_is_valid_when_a_value_does_not_exist(tmp_path):
    """Perfect separation: slope and tests do not exist; null with notes, never NaN."""
    path = tmp_path / "pred.csv"
    path.write_text("y,p\n0,0\n0,0\n1,1\n1,1\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "skbce",
            "report",
            str(path),
            "--y-true",
            "y",
            "--y-proba",
            "p",
            "--bins",
            "2",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no RuntimeWarning leaks
    got = strict_json(result.stdout)

    def nulls(value):
        if isinstance(value, dict):
            return sum(nulls(v) for v in value.values())
        if isinstance(value, list):
            return sum(nulls(v) for v in value)
        return value is None

    assert nulls({k: v for k, v in got.items() if k != "notes"}) > 0
    assert any("slope" in str(note) for note in got["notes"])


def test_json_text_writes_null_with_a_note():
    from skbce._cli.output import json_text

    text = json_text({"a": float("nan"), "b": {"c": float("inf")}, "d": 1.5})
    got = strict_json(text)
    assert got["a"] is None and got["b"]["c"] is None and got["d"] == 1.5
    assert set(got["notes"]) == {"a", "b.c"}
    got = strict_json(json_text({"a": float("-inf"), "notes": ["kept"]}))
    assert got["notes"][0] == "kept" and got["notes"][1].startswith("a: -inf")


def test_numpy_warnings_do_not_leak_but_others_are_one_line(tmp_path, monkeypatch):
    import warnings

    import skbce._cli.score as score

    def noisy(args):
        np.log(np.zeros(1))  # RuntimeWarning: divide by zero
        warnings.warn("something the user should know\nin two lines", UserWarning, stacklevel=1)
        return {"file": "f", "n_rows": 1}

    monkeypatch.setattr(score, "compute_scores", noisy)
    monkeypatch.setattr(score, "format_scores", lambda scores: "scores")
    status, out, err = run_here("score", tmp_path / "x.csv", "--y-true", "y", "--y-proba", "p")
    assert status == 0
    assert out == "scores\n"
    assert err == "skbce score: warning: something the user should know\n"


@pytest.mark.parametrize("spelling", ["same", "dot", "symlink"])
def test_output_cannot_be_an_input(tmp_path, spelling):
    path = tmp_path / "pred.csv"
    text = "y,p\n0,0.1\n1,0.8\n1,0.6\n"
    path.write_text(text)
    out = {"same": path, "dot": tmp_path / "." / "pred.csv", "symlink": tmp_path / "link.csv"}
    if spelling == "symlink":
        os.symlink(path, out["symlink"])
    status, stdout, err = run_here(
        "report", path, "--y-true", "y", "--y-proba", "p", "--bins", "2", "-o", out[spelling]
    )
    assert status == 2
    assert len(err.splitlines()) == 1 and "is the input file" in err
    assert path.read_text() == text


def test_bare_skbce_prints_usage_to_stderr():
    result = subprocess.run(
        [sys.executable, "-m", "skbce"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("usage: skbce")
    assert "choose a command" in result.stderr


@pytest.mark.parametrize("option", [["--y-proba", "p"], ["--format", "json"], ["--bins", "10"]])
def test_an_option_given_twice_is_an_error(tmp_path, option):
    path = tmp_path / "pred.csv"
    path.write_text("y,p\n0,0.1\n1,0.8\n")
    args = ["report", path, "--y-true", "y", "--y-proba", "p", *option, *option]
    if option[0] == "--y-proba":
        args = ["report", path, "--y-true", "y", *option, *option]
    status, _, err = run_here(*args)
    assert status == 2
    assert f"{option[0]} is given twice" in err


def test_percent_probabilities_get_the_right_hint(tmp_path):
    path = tmp_path / "pred.csv"
    path.write_text("y,p\n0,10\n1,80\n")
    status, _, err = run_here("score", path, "--y-true", "y", "--y-proba", "p")
    assert status == 2
    assert "divide them by 100" in err and "--from-logits" not in err
