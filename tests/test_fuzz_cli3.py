"""Adversarial inputs of the ``skbce`` command line (third pass).

Each bad input must end in exit status 2 with one line on stderr naming what
is wrong; each good one must give the library's (or scikit-learn's) numbers
on the same arrays.
"""

import contextlib
import io
import json
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import log_loss as sk_log_loss

from skbce._cli.main import main

ARGS = ("--y-true", "y", "--y-proba", "p")


def run_here(*args):
    """``main(args)`` in this process: (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([str(a) for a in args])
    return status, out.getvalue(), err.getvalue()


def assert_one_line_error(status, out, err, *words):
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    for word in words:
        assert word in err, err


@pytest.fixture
def small_csv(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("y,p\n0,0.1\n1,0.8\n1,0.6\n0,0.3\n")
    return path


# -- -o naming a folder that does not exist ------------------------------------------


@pytest.mark.parametrize("command", ["report", "demo"])
@pytest.mark.parametrize("name", ["out/", "a/b/", "in.csv/"])
def test_output_ending_with_a_slash_is_refused(tmp_path, small_csv, monkeypatch, command, name):
    # `-o out/` wrote a file named `out` when no folder `out` existed
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    extra = [small_csv, *ARGS, "--bins", "2"] if command == "report" else []
    status, out, err = run_here(command, *extra, "-o", name)
    assert_one_line_error(status, out, err, "-o", name, "folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == before


# -- values starting with '-' ---------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value"),
    [("--pos-label", "-a"), ("--pos-label", "-1e3"), ("--weight", "-w"), ("--y-true", "-y")],
)
def test_a_value_starting_with_a_dash_gets_a_hint(small_csv, option, value):
    # argparse said only "expected one argument"
    args = dict.fromkeys(["--y-true", "--y-proba"])
    args.update({"--y-true": "y", "--y-proba": "p"})
    argv = ["score", small_csv, *(a for k, v in args.items() if k != option for a in (k, v))]
    status, out, err = run_here(*argv, option, value)
    assert_one_line_error(status, out, err, option, f"{option}=VALUE")


def test_pos_label_with_an_equals_sign_takes_a_dash(tmp_path):
    path = tmp_path / "neg.csv"
    path.write_text("y,p\n-a,0.1\nb,0.8\nb,0.6\n-a,0.3\n")
    status, out, err = run_here("score", path, *ARGS, "--pos-label=-a", "--format", "json")
    assert (status, err) == (0, ""), err
    got = json.loads(out)
    assert got["positive_class"] == "-a"
    assert got["log_loss"] == pytest.approx(
        sk_log_loss([1, 0, 0, 1], [0.1, 0.8, 0.6, 0.3]), rel=1e-12
    )


# -- files that are not UTF-8 CSV ------------------------------------------------------


def _utf16(text, kind):
    data = text.encode("utf-16-le" if kind != "be" else "utf-16-be")
    if kind == "le-bom":
        return b"\xff\xfe" + data
    if kind == "be":
        return b"\xfe\xff" + data
    return data


@pytest.mark.parametrize("command", ["score", "report"])
@pytest.mark.parametrize(
    ("data", "words"),
    [
        (_utf16("y,p\n0,0.1\n1,0.8\n", "le-bom"), ["UTF-16", "UTF-8"]),
        (_utf16("y,p\n0,0.1\n1,0.8\n", "be"), ["UTF-16", "UTF-8"]),
        (_utf16("y,p\n0,0.1\n1,0.8\n", "le"), ["NUL bytes", "not a CSV file"]),
        (bytes(3000), ["NUL bytes", "not a CSV file"]),
        (b"y,p\x00\n0,0.1\n1,0.8\n", ["NUL bytes", "not a CSV file"]),
    ],
    ids=["utf16-le-bom", "utf16-be-bom", "utf16-le-no-bom", "zeros", "nul-in-header"],
)
def test_utf16_and_binary_files_are_named(tmp_path, command, data, words):
    # UTF-16 was "not UTF-8 text: byte b'\xff' at offset 0"; without a byte-order
    # mark, or a file of zeros, "has no column 'y'; its columns are: y\x00, \x00p\x00"
    path = tmp_path / "odd.csv"
    path.write_bytes(data)
    assert_one_line_error(*run_here(command, path, *ARGS), "odd.csv", *words)


def test_utf16_inside_gzip_is_named(tmp_path):
    import gzip

    path = tmp_path / "odd.csv.gz"
    path.write_bytes(gzip.compress(_utf16("y,p\n0,0.1\n1,0.8\n", "le-bom")))
    assert_one_line_error(*run_here("score", path, *ARGS), "odd.csv.gz", "UTF-16")


def test_a_later_block_starting_like_utf16_is_not_called_utf16(tmp_path, monkeypatch):
    from skbce._cli import csv_chunks

    monkeypatch.setattr(csv_chunks, "BLOCK_BYTES", 64)
    rows = "".join(f"{k % 2},0.5\n" for k in range(40))
    data = b"y,p\n" + rows.encode() + b"\xff\xfe,0.5\n"
    path = tmp_path / "late.csv"
    path.write_bytes(data)
    status, out, err = run_here("score", path, *ARGS)
    assert_one_line_error(status, out, err, "late.csv", "not UTF-8")
    assert "UTF-16" not in err


# -- numbers only Python (or only pyarrow) reads --------------------------------------


@pytest.mark.parametrize("chunk", ["1", "1000"])
@pytest.mark.parametrize(
    ("labels", "words"),
    [
        (["0", "0x1", "0", "0x1"], "row 2 has '0x1' after 0"),
        (["0", "0xFFFFFFFFFFFFFFFF", "0", "1"], "row 2 has '0xFFFFFFFFFFFFFFFF'"),
        (["0", "1", "0X1f", "1"], "row 3 has '0X1f'"),
        (["0", "\uff11", "0", "1"], "row 2 has '\uff11'"),
    ],
    ids=["hex", "hex-minus-one", "hex-upper", "full-width"],
)
def test_labels_pyarrow_or_python_read_as_numbers_are_text(tmp_path, labels, words, chunk):
    # pyarrow's integer parser read "0x1" as 1 and 0xFFFFFFFFFFFFFFFF as -1, Python's
    # int() the full-width "1" as 1: silently the class 1 (or another class)
    path = tmp_path / "hex.csv"
    path.write_text("y,p\n" + "".join(f"{v},0.{k + 2}\n" for k, v in enumerate(labels)))
    status, out, err = run_here("score", path, *ARGS, "--chunk-rows", chunk)
    assert_one_line_error(status, out, err, "'y'", "mixes numbers and text", words)


@pytest.mark.parametrize("note", ["0x1", "a"])
def test_hex_looking_labels_alone_are_text_labels(tmp_path, note):
    path = tmp_path / "hex.csv"
    rows = [("0x0", 0.2), ("0x1", 0.7), ("0x1", 0.6), ("0x0", 0.4)]
    path.write_text("y,p,n\n" + "".join(f"{a},{b},{note}\n" for a, b in rows))
    status, out, err = run_here("score", path, *ARGS, "--format", "json")
    assert (status, err) == (0, ""), err
    got = json.loads(out)
    assert got["positive_class"] == "0x1"
    y, p = [a for a, _ in rows], [b for _, b in rows]
    assert got["log_loss"] == pytest.approx(sk_log_loss(y, p), rel=1e-12)
    # a hex-looking cell in another column leaves integer labels integers
    path.write_text("y,p,n\n" + "".join(f"{k % 2},{b},0x{k}\n" for k, (_, b) in enumerate(rows)))
    got = json.loads(run_here("score", path, *ARGS, "--format", "json")[1])
    assert got["positive_class"] == 1
    assert got["log_loss"] == pytest.approx(sk_log_loss([0, 1, 0, 1], p), rel=1e-12)


@pytest.mark.parametrize("command", ["score", "report"])
@pytest.mark.parametrize(
    ("cell", "shown"),
    [("\uff10.\uff12", "'\uff10.\uff12'"), ("\u00a00.2", "'\\xa00.2'"), ("\u0660.2", "'\u0660.2'")],
    ids=["full-width", "no-break-space", "arabic-indic"],
)
def test_scores_with_characters_beyond_ascii_are_not_numbers(tmp_path, command, cell, shown):
    # Python's float() read "\uff10.\uff12" (full-width digits) as 0.2 where pyarrow
    # refuses it: the same file meant other numbers to the two readers
    path = tmp_path / "u.csv"
    path.write_text(f"y,p\n0,0.1\n1,{cell}\n1,0.6\n")
    status, out, err = run_here(command, path, *ARGS)
    assert_one_line_error(status, out, err, "column 'p' must hold numbers", f"row 2 has {shown}")


# -- arguments a subcommand does not take; --help ---------------------------------------


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["score", "f.csv", *ARGS, "--group", "g"], ["skbce score:", "--group", "skbce report"]),
        (["score", "f.csv", *ARGS, "-o", "x"], ["skbce score:", "skbce demo and skbce report"]),
        (["demo", "--bins", "3"], ["skbce demo:", "--bins", "skbce report"]),
        (["report", "f.csv", *ARGS, "--nope"], ["skbce report:", "--nope", "skbce report --help"]),
    ],
)
def test_an_argument_of_another_command_is_named_by_the_command(argv, words):
    # it was "skbce: error: unrecognized arguments: --group g (see skbce --help)"
    status, out, err = run_here(*argv)
    assert_one_line_error(status, out, err, "unrecognized arguments", *words)


@pytest.mark.parametrize("command", ["demo", "score", "report"])
def test_help_of_each_command_names_every_option(command):
    from skbce._cli.parser import build_parser

    parser = build_parser().commands[command]
    status, out, err = run_here(command, "--help")
    assert (status, err) == (0, "")
    options = [o for a in parser._actions for o in a.option_strings]
    assert len(options) >= 3
    for option in options:
        assert option in out, option


# -- the report of a file is the library's report of its columns ----------------------


@settings(max_examples=10, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(4, 40),
    bins=st.integers(1, 12),
    strategy=st.sampled_from(["uniform", "quantile"]),
    weighted=st.booleans(),
    grouped=st.booleans(),
    logits=st.booleans(),
    chunk=st.sampled_from(["3", "1000"]),
)
def test_report_json_is_the_library_report(
    seed, n, bins, strategy, weighted, grouped, logits, chunk
):
    import tempfile
    from pathlib import Path

    from skbce import calibration_report
    from skbce._cli.output import json_text

    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    y[:2] = [0, 1]
    s = rng.normal(size=n) * 2 if logits else rng.random(n)
    w = rng.random(n) * 3 + 0.01 if weighted else None
    g = rng.choice(["a b", "\u00e9", 'q"'], n) if grouped else None
    bins = min(bins, n)
    cells = {"y": y.tolist(), "p": [repr(v) for v in s.tolist()]}
    extra = ["--bins", bins, "--strategy", strategy, "--chunk-rows", chunk, "--format", "json"]
    if w is not None:
        cells["w"] = [repr(v) for v in w.tolist()]
        extra += ["--weight", "w"]
    if g is not None:
        cells["g"] = ['"q"""' if v == 'q"' else v for v in g.tolist()]
        extra += ["--group", "g"]
    if logits:
        extra.append("--from-logits")
    text = ",".join(cells) + "\n"
    text += "".join(",".join(str(c[i]) for c in cells.values()) + "\n" for i in range(n))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.csv"
        path.write_text(text, encoding="utf-8")
        status, out, err = run_here("report", path, *ARGS, *extra)
    assert status == 0, err
    with warnings.catch_warnings():  # the report keeps them in its notes, as the CLI's
        warnings.simplefilter("ignore")
        expected = calibration_report(
            y, s, sample_weight=w, from_logits=logits, n_bins=bins, strategy=strategy, groups=g
        )
    assert json.loads(out) == json.loads(json_text(expected.to_dict()))
