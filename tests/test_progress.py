"""The ingest progress bar: a total of files, the time left, counts by outcome."""

import io
import re

from articles.progress import ProgressBar


def write_files(folder):
    (folder / "a.txt").write_text("A headline\n\nSome text.\n")
    (folder / "b.txt").write_text("Another headline\n\nMore text.\n")
    (folder / "c.jsonl").write_text('{"title": "x", "text": "y"}\n{"title": "z", "text": "w"}\n')
    return [str(folder / name) for name in ("a.txt", "b.txt", "c.jsonl")]


def test_the_bar_counts_files_of_a_known_total_and_shows_the_time_left(tmp_path):
    a, b, c = write_files(tmp_path)
    out = io.StringIO()
    bar = ProgressBar(out, [tmp_path])
    bar.step("new", a)
    bar.step("new", f"{c}#1")
    bar.step("unchanged", f"{c}#2")  # the same file: the bar does not move
    assert bar.bar.n == 2 and bar.bar.total == 3
    bar.step("failed", b)
    bar.done()
    text = out.getvalue()
    assert "3/3 files" in text
    assert re.search(r"\d\d:\d\d left", text)
    assert "2 new, 1 unchanged" in text.replace("1 failed, ", "")


def test_done_fills_the_bar_when_a_file_gave_no_article(tmp_path):
    a, _, _ = write_files(tmp_path)
    out = io.StringIO()
    bar = ProgressBar(out, [a, tmp_path / "missing.txt"])
    assert bar.bar.total == 2  # a missing path is a file that will fail
    bar.step("new", a)
    bar.done()
    assert "2/2 files" in out.getvalue()


def test_clear_blanks_the_line_for_a_message(tmp_path):
    a, _, _ = write_files(tmp_path)
    out = io.StringIO()
    bar = ProgressBar(out, [a])
    bar.step("new", a)
    bar.bar.refresh()
    bar.clear()
    drawn, blank, end = out.getvalue().rsplit("\r", 2)
    assert "1/1 files" in drawn and blank.strip() == "" and end == ""
