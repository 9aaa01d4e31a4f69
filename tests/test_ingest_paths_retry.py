"""Files are known by their resolved absolute path, and retrying JSON and JSON Lines failures
resolves them and says so truthfully."""

import json
import os

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles import curation
from articles.ingest_run import ingest_paths
from articles.models import Article, IngestFailure, SourceFile

pytestmark = pytest.mark.django_db

TEXT = (
    "Ministers agree on grain corridor\n\n"
    "ANKARA: Ministers from four countries agreed on Tuesday to reopen a grain corridor, "
    "officials said, easing pressure on wheat prices across the region.\n"
)


def records(count):
    return [
        {"id": f"r{n}", "title": f"Report {n}", "text": f"Officials met for round {n} of talks."}
        for n in range(1, count + 1)
    ]


def test_the_same_file_by_another_path_is_unchanged(tmp_path, monkeypatch):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT)
    (tmp_path / "link.txt").symlink_to(folder / "a.txt")
    first = ingest_paths([str(folder / "a.txt")], workers=1)
    assert first.counts["new"] == 1

    monkeypatch.chdir(folder)
    for other in ["a.txt", os.path.join("..", "corpus", ".", "a.txt"), str(tmp_path / "link.txt")]:
        again = ingest_paths([other], workers=1)
        assert (again.counts["unchanged"], again.counts["duplicate"]) == (1, 0), other
    assert list(SourceFile.objects.values_list("path", flat=True)) == [str((folder / "a.txt").resolve())]


def test_retrying_a_fixed_json_file_resolves_its_failure_and_says_so(tmp_path):
    path = tmp_path / "export.json"
    path.write_text('[{"title": "Report", "text": "Officials met."')  # cut short
    first = ingest_paths([path], workers=1).run
    (failure,) = first.failures.all()
    assert failure.path == str(path)

    path.write_text(json.dumps(records(3)))
    result = curation.retry_failures([failure])

    assert (result.resolved, result.still_failing) == (1, 0)
    assert (result.run.new, result.run.failed) == (3, 0)
    assert IngestFailure.objects.get(pk=failure.pk).resolved
    assert Article.objects.filter(origin__startswith=f"{path}#").count() == 3


def test_retrying_a_json_lines_file_resolves_the_fixed_line_and_keeps_a_new_failure_open(tmp_path):
    path = tmp_path / "feed.jsonl"
    lines = [json.dumps(record) for record in records(3)]
    path.write_text("\n".join([lines[0], "{not json", lines[2]]))
    first = ingest_paths([path], workers=1).run
    (failure,) = first.failures.all()
    assert failure.path == f"{path}#2"

    path.write_text("\n".join([lines[0], lines[1], lines[2], "[1, 2]"]))  # line 2 fixed, line 4 bad
    result = curation.retry_failures([failure])

    assert (result.resolved, result.still_failing) == (1, 0)
    assert IngestFailure.objects.get(pk=failure.pk).resolved
    assert list(IngestFailure.objects.filter(resolved=False).values_list("path", flat=True)) == [f"{path}#4"]
    assert Article.objects.count() == 3


def test_a_file_that_still_fails_keeps_its_failure_open(tmp_path):
    path = tmp_path / "export.json"
    path.write_text("[")
    first = ingest_paths([path], workers=1).run
    result = curation.retry_failures(first.failures.all())
    assert (result.resolved, result.still_failing) == (0, 1)
    assert IngestFailure.objects.filter(resolved=False).count() == 2  # the first run's and the retry's


def test_the_summary_reports_refused_source_urls(tmp_path, capsys):
    path = tmp_path / "feed.jsonl"
    bad = {**records(1)[0], "url": "JaVaScRiPt:alert(1)"}
    path.write_text(json.dumps(bad) + "\n" + json.dumps({**records(2)[1], "url": "https://example.com/a"}))
    call_command("ingest", str(path), "--workers", "1")
    out = capsys.readouterr().out
    assert "2 new" in out and "1 source URL(s) refused" in out and f"{path}#r1" in out
    article = Article.objects.get(origin=f"{path}#r1")
    assert article.source_url == ""
    assert {"text": "JaVaScRiPt:alert(1)", "rule": "unsafe-url", "before": ""} in article.removals
    call_command("ingest", str(path), "--workers", "1")  # nothing read again, so nothing refused again
    out = capsys.readouterr().out
    assert "2 unchanged" in out and "refused" not in out


def test_the_admin_retry_of_a_fixed_json_lines_file_reports_it_resolved(client, django_user_model, tmp_path):
    client.force_login(django_user_model.objects.create_superuser("curator", "c@example.org", "pw"))
    path = tmp_path / "feed.jsonl"
    path.write_text("not json at all\n")
    (failure,) = ingest_paths([path], workers=1).run.failures.all()
    path.write_text("\n".join(json.dumps(record) for record in records(3)))

    response = client.post(
        reverse("admin:articles_ingestfailure_changelist"),
        {"action": "retry_files", "_selected_action": [failure.pk]},
        follow=True,
    )
    messages = [str(message) for message in response.context["messages"]]
    assert any("1 now ingested, 0 still failing" in message for message in messages), messages
    assert IngestFailure.objects.get(pk=failure.pk).resolved
    assert Article.objects.count() == 3
