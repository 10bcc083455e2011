"""Adversarial inputs of ``skbce score`` and ``skbce report``, found by fuzzing the command line.

Each bad input must end in exit status 2 with one line on stderr naming what
is wrong; each good one must give the library's numbers on the same arrays.
"""

import contextlib
import decimal
import io
import json
import subprocess
import sys

import numpy as np
import pytest

from skbce import brier_score_loss, log_loss
from skbce._cli.main import main

ARGS = ("--y-true", "y", "--y-proba", "p")


def run_here(*args):
    """``main(args)`` in this process: (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([str(a) for a in args])
    return status, out.getvalue(), err.getvalue()


def score_json(path, *extra):
    status, out, err = run_here("score", path, *ARGS, *extra, "--format", "json")
    assert (status, err) == (0, ""), err
    return json.loads(out)


def assert_one_line_error(status, out, err, *words):
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    for word in words:
        assert word in err, err


def _parquet(path, columns):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(pa.table(columns), path)
    return path


# -- CSV files cut at line feeds: a carriage return alone ends no row ---------------

LONE_CR = {
    "old-mac": b"y,p\r0,0.1\r1,0.8\r1,0.6\r",
    "header-cr-rows-lf": b"y,p\r0,0.1\n1,0.8\n1,0.6\n0,0.2\n",
    "bom-header-cr": b"\xef\xbb\xbfy,p\r0,0.1\n1,0.8\n",
}


@pytest.mark.parametrize("command", ["score", "report"])
@pytest.mark.parametrize("name", list(LONE_CR))
def test_lone_carriage_return_line_ends_are_refused(tmp_path, name, command):
    # they read as "no rows", or the first row was dropped without a word
    path = tmp_path / f"{name}.csv"
    path.write_bytes(LONE_CR[name])
    assert_one_line_error(*run_here(command, path, *ARGS), path.name, "carriage return")


@pytest.mark.parametrize(
    "text",
    [
        "y,p\r\n0,0.1\r\n1,0.8\r\n1,0.6\r\n0,0.3\r\n",
        "y,p\n0,0.1\r\n1,0.8\r\n1,0.6\r\n0,0.3\n",
    ],
    ids=["crlf", "lf-header-crlf-rows"],
)
def test_crlf_files_still_read(tmp_path, text):
    path = tmp_path / "p.csv"
    path.write_bytes(text.encode())
    got = score_json(path)
    y, p = [0, 1, 1, 0], [0.1, 0.8, 0.6, 0.3]
    assert got["n_rows"] == 4
    assert got["log_loss"] == pytest.approx(log_loss(y, p), rel=1e-12)


# -- rows longer than pyarrow's parse pieces ---------------------------------------


@pytest.mark.parametrize("quoted", [False, True], ids=["plain", "quoted"])
@pytest.mark.parametrize("size", [3_000_000, 9_000_000])
def test_a_long_row_in_another_column_is_read(tmp_path, size, quoted):
    # rows longer than a parse piece (1 MiB) failed: "straddling object straddles
    # two block boundaries (try to increase block size?)"
    cell = '"' + "x" * size + '"' if quoted else "x" * size
    rows = [f"{k % 2},0.{k % 9 + 1},a" for k in range(30)]
    rows.insert(12, f"1,0.7,{cell}")
    path = tmp_path / "long.csv"
    path.write_text("y,p,note\n" + "\n".join(rows) + "\n")
    y = [k % 2 for k in range(30)]
    p = [float(f"0.{k % 9 + 1}") for k in range(30)]
    y.insert(12, 1)
    p.insert(12, 0.7)
    got = score_json(path)
    assert got["n_rows"] == 31
    assert got["log_loss"] == pytest.approx(log_loss(y, p), rel=1e-12)
    assert got["brier_score"] == pytest.approx(brier_score_loss(y, p), rel=1e-12)


def test_a_long_row_before_a_ragged_row_names_the_right_row(tmp_path):
    rows = ["0,0.1,a", "1,0.8," + "x" * 3_000_000, "1,0.6,b", "0,0.2,c,extra", "1,0.9,d"]
    path = tmp_path / "ragged.csv"
    path.write_text("y,p,note\n" + "\n".join(rows) + "\n")
    assert_one_line_error(*run_here("score", path, *ARGS), "row 4 has 4 fields")


# -- a header of many columns ------------------------------------------------------


def test_a_wide_header_is_read_at_once(tmp_path):
    # the check for repeated names was quadratic: 100k columns took minutes
    n = 100_000
    path = tmp_path / "wide.csv"
    header = "y,p," + ",".join(f"c{k}" for k in range(n))
    path.write_text(header + "\n0,0.1" + "," * n + "\n1,0.8" + "," * n + "\n")
    command = [sys.executable, "-m", "skbce", "score", str(path), *ARGS, "--format", "json"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["log_loss"] == pytest.approx(log_loss([0, 1], [0.1, 0.8]))


# -- the delimiter is found outside quoted names -----------------------------------


QUOTED_NAMES = {
    "semicolons, commas in a name": 'y;p;"a,b,c"\n0;0.1;x\n1;0.8;x\n1;0.6;x\n',
    "commas, semicolons in a name": '"x;y;z",y,p\nq,0,0.1\nq,1,0.8\nq,1,0.6\n',
    "tabs, commas in a name": 'y\tp\t"a,b"\n0\t0.1\tx\n1\t0.8\tx\n1\t0.6\tx\n',
    "pipes, semicolons in a name": 'y|p|"a;b"\n0|0.1|x\n1|0.8|x\n1|0.6|x\n',
}


@pytest.mark.parametrize("name", list(QUOTED_NAMES))
def test_delimiter_inside_a_quoted_name_does_not_count(tmp_path, name):
    # a tie (or more) counted inside the quotes chose the wrong delimiter
    path = tmp_path / "quoted-names.csv"
    path.write_text(QUOTED_NAMES[name])
    got = score_json(path)
    assert got["n_rows"] == 3
    assert got["log_loss"] == pytest.approx(log_loss([0, 1, 1], [0.1, 0.8, 0.6]), rel=1e-12)


# -- Parquet decimals and --chunk-rows beyond a C long ------------------------------


@pytest.mark.parametrize(
    ("labels", "positive"),
    [
        (["0", "1", "1", "0"], 1),
        (["0.0", "1.0", "1.0", "0.0"], 1),
        (["1", "2", "2", "1"], 2),
        (["-1.00", "1.00", "1.00", "-1.00"], 1),
    ],
)
def test_parquet_decimal_labels_are_numbers(tmp_path, labels, positive):
    # they were refused: "must hold class labels, got a target of type 'unknown'"
    p = [0.1, 0.8, 0.6, 0.3]
    path = _parquet(tmp_path / "d.parquet", {"y": [decimal.Decimal(v) for v in labels], "p": p})
    got = score_json(path)
    assert got["positive_class"] == positive
    y = [int(float(v) == positive) for v in labels]
    assert got["log_loss"] == pytest.approx(log_loss(y, p), rel=1e-12)


@pytest.mark.parametrize("rows", [str(2**63), str(10**30)])
@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_chunk_rows_beyond_a_c_long_reads_the_whole_file(tmp_path, rows, kind):
    # Parquet: "cannot read ... as Parquet: Python int too large to convert to C long"
    y, p = [0, 1, 1, 0], [0.1, 0.8, 0.6, 0.3]
    if kind == "parquet":
        path = _parquet(tmp_path / "c.parquet", {"y": y, "p": p})
    else:
        path = tmp_path / "c.csv"
        path.write_text("y,p\n" + "".join(f"{a},{b}\n" for a, b in zip(y, p, strict=True)))
    got = score_json(path, "--chunk-rows", rows)
    assert got["log_loss"] == pytest.approx(log_loss(y, p), rel=1e-12)


# -- --pos-label that no cell can hold ----------------------------------------------


@pytest.mark.parametrize("command", ["score", "report"])
@pytest.mark.parametrize("label", ["", "nan", "NaN"])
def test_pos_label_that_is_missing_is_refused(tmp_path, label, command):
    # it was ignored: the greater label was the positive class, without a word
    path = tmp_path / "p.csv"
    path.write_text("y,p\n" + "0,0.1\n1,0.8\n1,0.6\n0,0.3\n" * 5)
    status, out, err = run_here(command, path, *ARGS, "--pos-label", label)
    assert_one_line_error(status, out, err, "--pos-label")


def test_pos_label_check_keeps_real_labels(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("y,p\n0,0.1\n1,0.8\n1,0.6\n0,0.3\n")
    y = np.array([0, 1, 1, 0])
    p = [0.1, 0.8, 0.6, 0.3]
    for label, positive in [("0", 0), ("1.0", 1), ("true", 1), ("FALSE", 0)]:
        got = score_json(path, "--pos-label", label)
        assert got["positive_class"] == positive
        assert got["log_loss"] == pytest.approx(log_loss(y == positive, p), rel=1e-12)


# -- weights near the largest float --------------------------------------------------


@pytest.mark.parametrize("chunk", ["1", "3", "1000"])
@pytest.mark.parametrize(
    "weights",
    [
        [1e308] * 6,
        [1e308, 1.0, 1e308, 2.0, 1e300, 1e308],
        [1e-320, 2e-320, 1e-320, 3e-320, 1e-320, 1e-320],
        [0.5, 2.0, 1.0, 0.0, 3.0, 1.0],
    ],
    ids=["all-1e308", "mixed-huge", "subnormal", "plain"],
)
@pytest.mark.parametrize("labels", [("0", "1"), ("no", "yes")])
def test_weights_near_the_largest_float_keep_both_classes(tmp_path, weights, chunk, labels):
    # three weights of 1e308 summed to inf: "holds a single class" was raised
    y = np.array([0, 1, 1, 0, 1, 0])
    p = [0.1, 0.8, 0.6, 0.3, 0.7, 0.2]
    path = tmp_path / "w.csv"
    rows = "".join(f"{labels[a]},{b},{c!r}\n" for a, b, c in zip(y, p, weights, strict=True))
    path.write_text("y,p,w\n" + rows)
    got = score_json(path, "--weight", "w", "--chunk-rows", chunk)
    w = np.asarray(weights)
    assert got["positive_class"] == (1 if labels[1] == "1" else labels[1])
    scaled = w / w.max()
    assert got["base_rate"] == pytest.approx(scaled[y == 1].sum() / scaled.sum(), rel=1e-12)
    # the mean is the same for weights scaled by a constant (and has no overflow)
    assert got["log_loss"] == pytest.approx(log_loss(y, p, sample_weight=scaled), rel=1e-12)
    total = got["total_weight"]
    with np.errstate(over="ignore"):
        expected_total = w.sum()
    if np.isfinite(expected_total):
        assert total == pytest.approx(expected_total, rel=1e-12)
    else:  # not a JSON number: null, with a note
        assert total is None
        assert "total_weight" in got["notes"]


# -- "PAR1" opens Parquet files and some CSV headers --------------------------------


PAR1_HEADERS = {
    "comma": "PAR1,y,p\nx,0,0.1\nx,1,0.8\n",
    "semicolon": "PAR1;y;p\nx;0;0.1\nx;1;0.8\n",
    "tab": "PAR1_flag\ty\tp\nx\t0\t0.1\nx\t1\t0.8\n",
}


@pytest.mark.parametrize("name", list(PAR1_HEADERS))
def test_a_csv_header_starting_with_par1_is_csv(tmp_path, name):
    # it was read as a Parquet file: "Parquet magic bytes not found in footer"
    path = tmp_path / "par1.csv"
    path.write_text(PAR1_HEADERS[name])
    got = score_json(path)
    assert got["n_rows"] == 2
    assert got["log_loss"] == pytest.approx(log_loss([0, 1], [0.1, 0.8]), rel=1e-12)


@pytest.mark.parametrize("name", ["data.csv", "data.parquet", "data"])
def test_parquet_is_found_by_its_bytes_whatever_its_name(tmp_path, name):
    y, p = [0, 1, 1, 0], [0.1, 0.8, 0.6, 0.3]
    whole = _parquet(tmp_path / "whole.parquet", {"y": y, "p": p}).read_bytes()
    path = tmp_path / name
    path.write_bytes(whole)
    assert score_json(path)["log_loss"] == pytest.approx(log_loss(y, p), rel=1e-12)
    path.write_bytes(whole[:-40])  # cut: no magic at the end
    assert_one_line_error(*run_here("score", path, *ARGS), "as Parquet")


# -- an output that cannot be written is refused before the work ---------------------


@pytest.mark.parametrize("where", ["directory", "no-folder", "file-as-folder", "empty"])
def test_report_output_that_cannot_be_written_is_refused_first(tmp_path, where):
    # the file was read and the report computed before "cannot write"; the bad
    # value at the last row shows which came first
    path = tmp_path / "p.csv"
    path.write_text("y,p\n" + "0,0.1\n1,0.8\n" * 20 + "1,oops\n")
    out = {
        "directory": tmp_path,
        "no-folder": tmp_path / "missing" / "r.html",
        "file-as-folder": path / "r.html",
        "empty": "",
    }[where]
    status, stdout, err = run_here("report", path, *ARGS, "--format", "html", "-o", out)
    assert_one_line_error(status, stdout, err, "cannot write")
    assert "oops" not in err


@pytest.mark.parametrize("where", ["directory", "no-folder"])
def test_demo_output_that_cannot_be_written_is_refused_first(tmp_path, where):
    # the demo tuned its models for seconds, printed them, then failed to write
    out = tmp_path if where == "directory" else tmp_path / "missing" / "demo.html"
    status, stdout, err = run_here("demo", "-o", out)
    assert_one_line_error(status, stdout, err, "cannot write", str(out))


# -- Python's float() is not a CSV reader: "0_1" is not 0.1 (nor 1) ------------------

UNDERSCORES = {
    "score": ("y,p\n0,0.1\n1,0_8\n", ["p"], "column 'p' must hold numbers, but row 2 has '0_8'"),
    "score-first": ("y,p\n0,0_1\n1,0.8\n", ["p"], "row 1 has '0_1'"),
    "weight": ("y,p,w\n0,0.1,1\n1,0.8,1_000\n", ["p", "--weight", "w"], "column 'w'"),
    "logit": ("y,p\n0,-1_0\n1,2\n", ["p", "--from-logits"], "row 1 has '-1_0'"),
    "label": ("y,p\n0,0.1\n1_0,0.8\n", ["p"], "mixes numbers and text"),
}


@pytest.mark.parametrize("command", ["score", "report"])
@pytest.mark.parametrize("name", list(UNDERSCORES))
def test_underscores_in_numbers_are_refused(tmp_path, name, command):
    # numpy's str -> float (Python's float) read "0_8" as 8 and "1_0" as the label 10:
    # a silent wrong number
    text, extra, words = UNDERSCORES[name]
    path = tmp_path / "u.csv"
    path.write_text(text)
    status, out, err = run_here(command, path, "--y-true", "y", "--y-proba", *extra)
    assert_one_line_error(status, out, err, words)


def test_underscores_in_parquet_text_are_refused(tmp_path):
    path = _parquet(tmp_path / "u.parquet", {"y": [0, 1, 1], "p": ["0.1", "0_8", "0.6"]})
    assert_one_line_error(*run_here("score", path, *ARGS), "row 2 has '0_8'")


def test_text_labels_with_underscores_are_text(tmp_path):
    path = tmp_path / "u.csv"
    path.write_text("y,p\nis_spam,0.9\nnot_spam,0.2\nis_spam,0.7\n")
    got = score_json(path, "--pos-label", "is_spam")
    assert got["positive_class"] == "is_spam"
    assert got["log_loss"] == pytest.approx(log_loss([1, 0, 1], [0.9, 0.2, 0.7]), rel=1e-12)


# -- a ragged row is described as it is: quoted delimiters and line breaks are one field

RAGGED = {
    "quoted-line-break": (
        'y,p,c\n0,0.1,a\n1,0.8,b\n0,0.3,"x\ny",extra\n1,0.5,d\n',
        "row 3 has 4 fields",
    ),
    "quoted-delimiter": (
        'y,p,c\n0,0.1,a\n1,0.8,b\n0,0.3,"x,y",extra\n1,0.5,d\n',
        "row 3 has 4 fields",
    ),
    "short-quoted": ('y,p,c\n0,0.1,a\n1,"0,8"\n0,0.3,b\n', "row 2 has 2 fields"),
    "open-quote": ('y,p,c\n0,0.1,a\n1,0.8,"b\n0,0.3,c\n', "row 2 has a quote that is not closed"),
}


@pytest.mark.parametrize("name", list(RAGGED))
def test_ragged_rows_count_fields_as_csv_does(tmp_path, name):
    # a quoted line break was "a quote that is not closed", a quoted delimiter one field more
    text, words = RAGGED[name]
    path = tmp_path / "ragged.csv"
    path.write_text(text)
    assert_one_line_error(*run_here("score", path, *ARGS), words)


# -- a quote left open in a column not asked for swallowed the rest of the file -------

OPEN_QUOTES = {
    "small": (["0,0.1,a", "1,0.8,b", '1,0.6,"open', "0,0.3,c", "1,0.9,d"], 3),
    "big": (
        [f"{k % 2},0.5,a" for k in range(700_000)]
        + ['1,0.5,"open']
        + [f"{k % 2},0.5,b" for k in range(400_000)],
        700_001,
    ),
}


@pytest.mark.parametrize("name", list(OPEN_QUOTES))
def test_a_quote_left_open_in_another_column_is_refused(tmp_path, name):
    # pyarrow took the rest of the file into the cell: the rows after it were
    # silently not counted (700,000 of 1,100,001 rows scored)
    rows, bad = OPEN_QUOTES[name]
    path = tmp_path / "open.csv"
    path.write_text("y,p,c\n" + "\n".join(rows) + "\n")
    status, out, err = run_here("score", path, *ARGS)
    assert_one_line_error(status, out, err, f"row {bad} has a quote that is not closed")


@pytest.mark.parametrize(
    "cell",
    ['15" screen', '"15"" screen"', 'a"b"c', '"x' + "y" * 200_000 + '"'],
    ids=["inch", "escaped", "two-stray", "long-quoted"],
)
def test_quotes_that_are_text_are_kept(tmp_path, cell):
    rows = [f"{k % 2},0.{k % 9 + 1},a" for k in range(40)]
    rows[17] = f"1,0.8,{cell}"
    path = tmp_path / "quotes.csv"
    path.write_text("y,p,c\n" + "\n".join(rows) + "\n")
    got = score_json(path)
    y = [k % 2 for k in range(40)]
    p = [float(f"0.{k % 9 + 1}") for k in range(40)]
    y[17], p[17] = 1, 0.8
    assert got["n_rows"] == 40
    assert got["log_loss"] == pytest.approx(log_loss(y, p), rel=1e-12)


@pytest.mark.parametrize("block", [16, 64, 1000])
@pytest.mark.parametrize(
    "cells",
    [
        ['15" screen'],
        ['15" screen', '"a\nb"', "x"],
        ['15" screen', '"note\n1,0.3,x"'],
        ['a"b', '"c,d"', '"e""f"', '7"'],
    ],
    ids=["one-inch", "inch-then-quoted-break", "inch-then-a-row-in-quotes", "mixed"],
)
def test_a_quote_that_is_text_does_not_stop_the_reading(tmp_path, monkeypatch, block, cells):
    # counting quotes took the one in `15" screen` for an opening quote: a block
    # was then cut inside a later quoted cell (a wrong row, or a row made of the
    # cell's text: "note\n1,0.3,x" scored one row more), and past MAX_CARRY
    # bytes (64 MiB) the file was refused, "a quote is not closed"
    from skbce._cli import csv_chunks

    monkeypatch.setattr(csv_chunks, "BLOCK_BYTES", block)
    monkeypatch.setattr(csv_chunks, "MAX_CARRY", 256)
    n = 400
    notes = ["z"] * n
    for k, cell in enumerate(cells):
        notes[5 + 97 * k] = cell
    y = [k % 2 for k in range(n)]
    p = [round(0.05 + 0.9 * ((k * 37) % 100) / 100, 4) for k in range(n)]
    path = tmp_path / "inches.csv"
    body = "".join(f"{a},{b},{c}\n" for a, b, c in zip(y, p, notes, strict=True))
    path.write_text("y,p,note\n" + body)
    got = score_json(path)
    assert got["n_rows"] == n
    assert got["log_loss"] == pytest.approx(log_loss(y, p), rel=1e-12)


# -- a lone carriage return inside the rows ends a row (as pyarrow reads it) ---------

LONE_CR_ROWS = {
    "open-quote": (
        'y,p,c\n0,0.1,a\r1,0.8,b\r0,0.3,"open\n',
        "row 3 has a quote that is not closed",
    ),
    "ragged": ("y,p,c\n0,0.1,a\r1,0.8,b\r0,0.3,x,y\n", "row 3 has 4 fields ('0,0.3,x,y')"),
    "ragged-then-row": (
        "y,p,c\n0,0.1,a\n1,0.8,b\r0,0.3,x,y\r0,0.1,a\n",
        "row 3 has 4 fields ('0,0.3,x,y')",
    ),
}


@pytest.mark.parametrize("name", list(LONE_CR_ROWS))
def test_lone_carriage_returns_in_rows_name_the_right_row(tmp_path, name):
    # the open quote failed with an IndexError traceback; the ragged row was "row 1
    # has a quote that is not closed"
    text, words = LONE_CR_ROWS[name]
    path = tmp_path / "cr.csv"
    path.write_bytes(text.encode())
    assert_one_line_error(*run_here("score", path, *ARGS), words)


# -- a quote opened in one row and closed rows later before text swallowed the rows ---

SWALLOWED = {
    "he-said": (
        'y,p,c\n1,0.9,a\n0,0.2,b\n1,0.5,"hi\n0,0.3,15" screen\n1,0.6,b\n',
        "row 3 opens a quote",
    ),
    "doubled-quotes": (
        'y,p,c\r\n1,0.9,\r\n1,0.5,c\r\n0,0.5,"\r\n1,0.1,c\r\n'
        '1,0.9,""\r\n1,0.1,c\r\n0,0.9,15" x\r\n',
        "row 3 opens a quote",
    ),
}


@pytest.mark.parametrize("block", [16, 1 << 23])
@pytest.mark.parametrize("name", list(SWALLOWED))
def test_a_quote_closed_rows_later_before_text_is_refused(tmp_path, monkeypatch, name, block):
    # pyarrow read the rows in between as one cell of the row: they were not scored
    from skbce._cli import csv_chunks

    monkeypatch.setattr(csv_chunks, "BLOCK_BYTES", block)
    text, words = SWALLOWED[name]
    path = tmp_path / "swallowed.csv"
    path.write_bytes(text.encode())
    assert_one_line_error(*run_here("score", path, *ARGS), words)


def test_a_quoted_cell_followed_by_text_on_its_line_is_kept(tmp_path):
    path = tmp_path / "jr.csv"
    path.write_text('y,p,c\n1,0.9,"Smith" Jr\n0,0.2,"a\nb"\n1,0.7,x\n')
    got = score_json(path)
    assert got["n_rows"] == 3
    assert got["log_loss"] == pytest.approx(log_loss([1, 0, 1], [0.9, 0.2, 0.7]), rel=1e-12)
