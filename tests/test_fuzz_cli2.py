"""Adversarial inputs of the command line, second pass: labels, output files, file names.

Each bad input must end in exit status 2 with one line on stderr naming what
is wrong; each good one must give scikit-learn's numbers (or a formula
written here) on the same data.
"""

import contextlib
import io
import json
import os
import stat
import subprocess
import sys
import threading

import numpy as np
import pytest
from sklearn.metrics import log_loss as sk_log_loss

from skbce._cli.main import main

ARGS = ("--y-true", "y", "--y-proba", "p")


def run_here(*args):
    """``main(args)`` in this process: (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([os.fspath(a) if isinstance(a, os.PathLike) else str(a) for a in args])
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


def _loss(y, p, positive):
    """Mean log loss written out: -log p for the positive class, -log(1 - p) otherwise."""
    y, p = np.asarray(y, dtype=object), np.asarray(p, dtype=float)
    hit = np.array([v == positive for v in y])
    return float(np.mean(-np.log(np.where(hit, p, 1 - p))))


# -- integer labels beyond 2**53 keep their exact values ---------------------------

BIG = 2**53  # 2**53 + 1 is the first integer a float64 cannot hold

BIG_LABEL_FILES = {
    # read as integers by pyarrow
    "plain": ("{a}", "{b}"),
    # read as text by pyarrow (a sign, spaces), then by the CLI's rules
    "signed": ("+{a}", "{b}"),
    "spaces": (" {a} ", "{b}"),
    "negative": ("-{a}", "{b}"),
}


@pytest.mark.parametrize("form", list(BIG_LABEL_FILES))
@pytest.mark.parametrize("chunk", ["1", "1000"])
def test_integer_labels_beyond_2_53_are_exact(tmp_path, form, chunk):
    # '+9007199254740993' became the float 9007199254740992.0: one class with the other
    a_form, b_form = BIG_LABEL_FILES[form]
    a, b = BIG + 1, BIG
    rows = [(a_form.format(a=a), 0.2), (b_form.format(b=b), 0.7), (a_form.format(a=a), 0.4)]
    rows += [(b_form.format(b=b), 0.9)]
    path = tmp_path / "big.csv"
    path.write_text("y,p\n" + "".join(f"{y},{p}\n" for y, p in rows))
    y = [int(r[0]) for r in rows]
    p = [r[1] for r in rows]
    got = score_json(path, "--chunk-rows", chunk)
    assert got["positive_class"] == max(y)
    assert got["log_loss"] == pytest.approx(sk_log_loss(y, p), rel=1e-12)
    # --pos-label names either class exactly
    for positive in {a, b} | {min(y)}:
        if positive not in y:
            continue
        got = score_json(path, "--pos-label", str(positive), "--chunk-rows", chunk)
        assert got["positive_class"] == positive
        assert got["log_loss"] == pytest.approx(_loss(y, p, positive), rel=1e-12)


def test_pos_label_beyond_2_53_is_not_rounded(tmp_path):
    # --pos-label 9007199254740993 was read as 9007199254740992, the other class
    path = tmp_path / "big.csv"
    path.write_text(f"y,p\n{BIG + 1},0.2\n{BIG},0.7\n{BIG + 1},0.4\n")
    y, p = [BIG + 1, BIG, BIG + 1], [0.2, 0.7, 0.4]
    got = score_json(path, "--pos-label", str(BIG + 1))
    assert got["positive_class"] == BIG + 1
    assert got["log_loss"] == pytest.approx(_loss(y, p, BIG + 1), rel=1e-12)
    status, out, err = run_here(
        "report", path, *ARGS, "--pos-label", str(BIG), "--bins", "1", "--format", "json"
    )
    assert (status, err) == (0, ""), err
    report = json.loads(out)
    assert report["pos_label"] == BIG
    assert report["scores"]["log_loss"] == pytest.approx(_loss(y, p, BIG), rel=1e-12)


def test_parquet_decimal_labels_beyond_2_53_are_exact(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    import decimal

    y = [BIG + 1, BIG, BIG + 1, BIG]
    p = [0.2, 0.7, 0.4, 0.9]
    table = pa.table({"y": pa.array([decimal.Decimal(v) for v in y], pa.decimal128(20, 0)), "p": p})
    path = tmp_path / "big.parquet"
    pq.write_table(table, path)
    got = score_json(path)
    assert got["positive_class"] == BIG + 1
    assert got["log_loss"] == pytest.approx(sk_log_loss(y, p), rel=1e-12)


@pytest.mark.parametrize("command", ["score", "report"])
def test_a_label_too_large_for_a_number_is_one_line(tmp_path, command):
    # an integer of 400 digits: an OverflowError deep in numpy (a traceback)
    path = tmp_path / "huge.csv"
    path.write_text(f"y,p\n0,0.3\n{'1' * 400},0.2\n0,0.4\n")
    assert_one_line_error(*run_here(command, path, *ARGS), "'y'", "row 2", "too large")


# -- output files: written whole or not at all ------------------------------------------


@pytest.fixture
def small_csv(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("y,p\n0,0.1\n1,0.8\n1,0.6\n0,0.3\n")
    return path


def test_a_failed_write_keeps_the_existing_output(tmp_path, small_csv):
    # the file was opened for writing (emptied) before the write failed
    out = tmp_path / "report.html"
    out.write_text("OLD REPORT")
    script = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        "from skbce._cli.main import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    args = ["report", str(small_csv), *ARGS, "--bins", "2", "--format", "html", "-o", str(out)]
    done = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert "cannot write" in done.stderr and "report.html" in done.stderr
    assert out.read_text() == "OLD REPORT"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "report.html"]


def test_a_failed_rename_leaves_no_temporary_file(tmp_path, small_csv, monkeypatch):
    from skbce._cli import output

    def refuse(source, target):
        raise OSError(28, "No space left on device")

    out = tmp_path / "r.txt"
    out.write_text("OLD")
    monkeypatch.setattr(output.os, "replace", refuse)
    status, stdout, err = run_here("report", small_csv, *ARGS, "--bins", "2", "-o", out)
    assert_one_line_error(status, stdout, err, "cannot write", "r.txt", "No space left")
    assert out.read_text() == "OLD"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "r.txt"]


def test_output_keeps_its_permissions_and_links(tmp_path, small_csv):
    out = tmp_path / "r.json"
    out.write_text("OLD")
    out.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(out.name)
    status, _, err = run_here(
        "report", small_csv, *ARGS, "--bins", "2", "--format", "json", "-o", link
    )
    assert status == 0, err
    assert link.is_symlink()  # the link still names the file, which got the report
    assert json.loads(out.read_text())["n_samples"] == 4
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    new = tmp_path / "new.json"
    assert run_here("report", small_csv, *ARGS, "--bins", "2", "-o", new)[0] == 0
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~umask


def test_output_to_a_pipe_is_written_not_replaced(tmp_path, small_csv):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()))
    reader.start()
    try:
        status, _, err = run_here(
            "report", small_csv, *ARGS, "--bins", "2", "--format", "json", "-o", fifo
        )
    finally:
        if reader.is_alive() and not got:
            with contextlib.suppress(OSError), open(fifo, "w"):
                pass  # let the reader end
        reader.join(30)
    assert status == 0, err
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert json.loads(got[0])["n_samples"] == 4


# -- file names that are not UTF-8 ---------------------------------------------------


def test_a_file_name_that_is_not_utf8(tmp_path, small_csv):
    # the HTML report of b"\xff.csv" failed with a UnicodeEncodeError traceback
    name = tmp_path / os.fsdecode(b"\xff.csv")
    name.write_bytes(small_csv.read_bytes())
    got = score_json(name)
    assert got["file"].endswith("\ufffd.csv")
    assert got["log_loss"] == pytest.approx(sk_log_loss([0, 1, 1, 0], [0.1, 0.8, 0.6, 0.3]))
    out = tmp_path / "r.html"
    status, _, err = run_here("report", name, *ARGS, "--bins", "2", "--format", "html", "-o", out)
    assert status == 0, err
    assert "\ufffd.csv" in out.read_text(encoding="utf-8")


# -- standard input and pipes ------------------------------------------------------------


def _gzip(data):
    import gzip

    return gzip.compress(data)


def _parquet_bytes(data):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    sink = io.BytesIO()
    pq.write_table(pa.table({"y": [0, 1, 1, 0], "p": [0.1, 0.8, 0.6, 0.3]}), sink)
    return sink.getvalue()


@pytest.mark.parametrize("encode", [bytes, _gzip, _parquet_bytes], ids=["csv", "csv.gz", "parquet"])
def test_standard_input(monkeypatch, encode):
    # '-' was "no such file: -"
    data = encode(b"y,p\n0,0.1\n1,0.8\n1,0.6\n0,0.3\n")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    got = score_json("-")
    assert got["file"] == "standard input"
    assert got["log_loss"] == pytest.approx(sk_log_loss([0, 1, 1, 0], [0.1, 0.8, 0.6, 0.3]))


@pytest.mark.parametrize(
    ("stdin", "words"),
    [(b"", ["standard input", "empty"]), (None, ["standard input", "closed"])],
)
def test_empty_or_closed_standard_input_is_one_line(monkeypatch, stdin, words):
    monkeypatch.setattr(sys, "stdin", None if stdin is None else io.TextIOWrapper(io.BytesIO()))
    assert_one_line_error(*run_here("score", "-", *ARGS), *words)


def test_a_pipe_is_read(tmp_path):
    # a named pipe (or <(command), /dev/stdin from a pipe) was refused: "not a regular file"
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    data = b"y,p\n0,0.1\n1,0.8\n1,0.6\n0,0.3\n"

    def feed():
        with open(fifo, "wb") as f:
            f.write(data)

    writer = threading.Thread(target=feed)
    writer.start()
    try:
        got = score_json(fifo)
    finally:
        writer.join(30)
    assert got["log_loss"] == pytest.approx(sk_log_loss([0, 1, 1, 0], [0.1, 0.8, 0.6, 0.3]))


def test_standard_input_end_to_end_and_dash_output(tmp_path):
    data = b"y,p\n0,0.1\n1,0.8\n1,0.6\n0,0.3\n"
    before = set(os.listdir(tmp_path))
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "skbce", "report", "-", *ARGS, "--bins", "2"]
        + ["--format", "json", "-o", "-"],
        input=data,
        capture_output=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    got = json.loads(done.stdout)
    assert got["scores"]["log_loss"] == pytest.approx(
        sk_log_loss([0, 1, 1, 0], [0.1, 0.8, 0.6, 0.3]), rel=1e-12
    )
    assert set(os.listdir(tmp_path)) == before  # no copy left behind, no file named '-'


# -- blank lines -------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["score", "report"])
@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_a_piece_of_blank_lines_only(tmp_path, monkeypatch, command, eol):
    # a parse piece holding only blank lines gave an empty batch: a ValueError traceback
    # ("zero-size array to reduction operation minimum"); with the default sizes
    # a file with 1 MiB of blank lines between two rows
    from skbce._cli import csv_chunks

    monkeypatch.setattr(csv_chunks, "PARSE_BYTES", 64)
    path = tmp_path / "blank.csv"
    path.write_text(f"y,p{eol}0,0.1{eol}" + eol * 200 + f"1,0.8{eol}1,0.6{eol}", newline="")
    extra = ("--bins", "1") if command == "report" else ()
    status, out, err = run_here(command, path, *ARGS, *extra, "--format", "json")
    assert (status, err) == (0, ""), err
    got = json.loads(out)
    if command == "report":
        got = {"n_rows": got["n_samples"], "log_loss": got["scores"]["log_loss"]}
    assert got["n_rows"] == 3
    assert got["log_loss"] == pytest.approx(sk_log_loss([0, 1, 1], [0.1, 0.8, 0.6]), rel=1e-12)


# -- options -----------------------------------------------------------------------------


@pytest.mark.parametrize("sep", ["é", "€", "\u00a0"])
def test_a_delimiter_that_is_not_ascii_is_refused(small_csv, sep):
    # pyarrow takes one ASCII byte: a ValueError traceback ("Expecting an ASCII character")
    status, out, err = run_here("score", small_csv, *ARGS, "--sep", sep)
    assert_one_line_error(status, out, err, "--sep", "ASCII")


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--weight", "y"], ["'y'", "--y-true", "--weight"]),
        (["--weight", "p"], ["'p'", "--y-proba", "--weight"]),
    ],
)
def test_a_column_given_to_two_options_names_them(small_csv, extra, words):
    status, out, err = run_here("score", small_csv, *ARGS, *extra)
    assert_one_line_error(status, out, err, "given twice", *words)


def test_a_column_given_to_group_and_y_proba_names_them(small_csv):
    status, out, err = run_here(
        "report", small_csv, "--y-true", "y", "--y-proba", "p", "--group", "p"
    )
    assert_one_line_error(status, out, err, "given twice", "'p'", "--y-proba", "--group")


@pytest.mark.parametrize("chunk", ["1", "2", "1000"])
def test_labels_beyond_int64_are_uint64_as_numpy_reads_them(tmp_path, chunk):
    # 0 and 2**64 - 1 became the floats 0.0 and 1.8e19: "a target of type 'continuous'";
    # in chunks, the int64 labels of the first chunks are joined as uint64 too
    path = tmp_path / "u.csv"
    top = 2**64 - 1
    path.write_text(f"y,p\n0,0.3\n0,0.2\n{top},0.8\n0,0.4\n{top},0.7\n")
    y = np.array([0, 0, top, 0, top], dtype=np.uint64)
    p = [0.3, 0.2, 0.8, 0.4, 0.7]
    status, out, err = run_here(
        "report", path, *ARGS, "--bins", "1", "--chunk-rows", chunk, "--format", "json"
    )
    assert (status, err) == (0, ""), err
    got = json.loads(out)
    assert got["pos_label"] == top
    assert got["scores"]["log_loss"] == pytest.approx(sk_log_loss(y, p), rel=1e-12)


# -- compressed files --------------------------------------------------------------------


def _compressed(kind, data):
    import bz2
    import gzip
    import lzma

    return {"gz": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress}[kind](data)


@pytest.mark.parametrize("kind", ["gz", "bz2", "xz"])
def test_compressed_csv_in_chunks_gives_sklearn_numbers(tmp_path, monkeypatch, kind):
    # bzip2 and xz were "not UTF-8 text: byte ... cannot be decoded"
    from skbce._cli import csv_chunks

    monkeypatch.setattr(csv_chunks, "BLOCK_BYTES", 1000)
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 3000)
    p = rng.random(3000)
    w = rng.random(3000) * 3
    text = "y,p,w\n" + "".join(
        f"{a},{b!r},{c!r}\n" for a, b, c in zip(y.tolist(), p.tolist(), w.tolist(), strict=True)
    )
    path = tmp_path / f"p.csv.{kind}"
    path.write_bytes(_compressed(kind, text.encode()))
    got = score_json(path, "--weight", "w", "--chunk-rows", "77")
    assert got["n_rows"] == 3000
    assert got["log_loss"] == pytest.approx(sk_log_loss(y, p, sample_weight=w), rel=1e-9)


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("p.zip", b"PK\x03\x04" + bytes(40), ["p.zip", "zip archive", "decompress"]),
        ("p.csv.zst", b"\x28\xb5\x2f\xfd" + bytes(40), ["p.csv.zst", "zstd", "decompress"]),
        ("cut.csv.xz", "xz-cut", ["cut.csv.xz", "cannot read"]),
        ("bad.csv.xz", "xz-corrupt", ["bad.csv.xz", "cannot read"]),
        ("cut.csv.bz2", "bz2-cut", ["cut.csv.bz2", "cannot read"]),
    ],
)
def test_damaged_or_unread_compressed_files_are_one_line(tmp_path, name, data, words):
    import bz2
    import lzma

    rng = np.random.default_rng(0)
    text = "y,p\n" + "".join(f"{k % 2},{v!r}\n" for k, v in enumerate(rng.random(5000).tolist()))
    text = text.encode()
    if data == "xz-cut":
        data = lzma.compress(text)
        data = data[: len(data) // 2]
    elif data == "bz2-cut":
        data = bz2.compress(text)
        data = data[: len(data) // 2]
    elif data == "xz-corrupt":
        data = bytearray(lzma.compress(text))
        data[len(data) // 2] ^= 0xFF
        data = bytes(data)
    path = tmp_path / name
    path.write_bytes(data)
    for command in ("score", "report"):
        assert_one_line_error(*run_here(command, path, *ARGS), *words)


def test_a_csv_header_that_starts_like_bzip2_is_text(tmp_path):
    path = tmp_path / "bzh.csv"
    path.write_text("BZh91AY,p\n0,0.1\n1,0.8\n")
    status, out, err = run_here("score", path, "--y-true", "BZh91AY", "--y-proba", "p")
    assert (status, err) == (0, ""), err
