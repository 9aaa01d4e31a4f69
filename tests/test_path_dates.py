"""Dates for undated corpora: from file names and folders, for an ingest batch, and set in bulk in
the admin; `date_source` says where each came from."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from articles.ingest.path_dates import date_from_path
from articles.ingest_run import ingest_paths
from articles.models import Article
from tests.admin_support import make_article, search_ids

D = datetime.date


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("corpus/2005-01-15-budget.txt", D(2005, 1, 15)),
        ("corpus/budget_2005_01_15.html", D(2005, 1, 15)),
        ("corpus/2005.01.15.txt", D(2005, 1, 15)),
        ("corpus/2005/02/03/budget.txt", D(2005, 2, 3)),
        ("corpus/2005/02/03-budget.txt", D(2005, 2, 3)),
        ("corpus/20050304.txt", D(2005, 3, 4)),
        ("corpus/budget-20050304.html", D(2005, 3, 4)),
        ("corpus/2005-04-05/story.txt", D(2005, 4, 5)),  # a folder named by date
        ("feeds/2005-06-07.jsonl#12", D(2005, 6, 7)),  # a record of a dated file
        ("2001-01-01-old/2005-01-15-budget.txt", D(2005, 1, 15)),  # the nearest wins
        # Not dates: ids, impossible dates, digits inside longer numbers, a year or month alone.
        ("corpus/123456789.txt", None),
        ("corpus/20051399.txt", None),
        ("corpus/2005-02-30.txt", None),
        ("corpus/2005-01-150.txt", None),
        ("corpus/120050115.txt", None),
        ("corpus/2005/02/budget.txt", None),
        ("corpus/1850-01-01.txt", None),
        ("corpus/2005-01/15.txt", None),
        ("corpus/story-2005.txt", None),
        ("corpus/9999-01-01.txt", None),
    ],
)
def test_date_from_path(path, expected):
    assert date_from_path(path) == expected


pytestmark = pytest.mark.django_db


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_a_folder_of_undated_files_named_by_date_ingests_with_those_dates(tmp_path):
    corpus = tmp_path / "corpus"
    write(corpus / "2005-01-15-budget.txt", "Budget day\n\nThe Chancellor spoke about taxes.")
    write(corpus / "2005" / "02" / "03" / "rail.txt", "Rail fares\n\nFares rise again in March.")
    write(corpus / "20050304.txt", "Floods\n\nRivers burst their banks.")
    write(corpus / "2005-05-06-dated.txt", " date 2004-12-31\nDated in the file\n\nThe file's own date wins.")
    write(corpus / "id-123456789.txt", "No date\n\nNothing dates this one.")
    report = ingest_paths([corpus], workers=1)
    assert report.counts["new"] == 5
    dates = {a.title: (a.published, a.date_source) for a in Article.objects.all()}
    assert dates == {
        "Budget day": (D(2005, 1, 15), "path"),
        "Rail fares": (D(2005, 2, 3), "path"),
        "Floods": (D(2005, 3, 4), "path"),
        "Dated in the file": (D(2004, 12, 31), "header"),
        "No date": (None, ""),
    }


def test_ingest_date_dates_the_articles_of_a_batch_that_have_no_date_of_their_own(tmp_path):
    write(tmp_path / "undated.txt", "Undated\n\nNo date anywhere.")
    write(tmp_path / "2005-01-15-named.txt", "Named\n\nDated by its name.")
    call_command("ingest", str(tmp_path), "--date=2006-07-08", "--workers=1", stdout=io.StringIO())
    dates = {a.title: (a.published, a.date_source) for a in Article.objects.all()}
    assert dates == {"Undated": (D(2006, 7, 8), "batch"), "Named": (D(2005, 1, 15), "path")}


@pytest.mark.parametrize("value", ["2006-13-01", "20060708", "yesterday", "2006-7-8"])
def test_ingest_date_must_be_a_real_yyyy_mm_dd_date(tmp_path, value):
    write(tmp_path / "a.txt", "A\n\nText.")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("ingest", str(tmp_path), f"--date={value}", stdout=io.StringIO())


def test_the_admin_sets_the_date_of_many_articles_at_once(editor_client, django_capture_on_commit_callbacks):
    chosen = [make_article("One"), make_article("Two", published=D(2001, 1, 1))]
    other = make_article("Other")
    changelist = reverse("admin:articles_article_changelist")
    selection = {"action": "set_date", "_selected_action": [a.pk for a in chosen]}

    page = editor_client.post(changelist, selection)
    assert b"Publication date" in page.content and b"One" in page.content

    refused = editor_client.post(changelist, {**selection, "confirm": "yes", "date": "2005-13-40"})
    assert refused.status_code == 200 and b"Enter a valid date" in refused.content

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = {**selection, "confirm": "yes", "date": "2005-01-15"}
        done = editor_client.post(changelist, confirmed, follow=True)
    assert b"Set the date of 2 articles: 2005-01-15." in done.content
    for article in chosen:
        article.refresh_from_db()
        assert (article.published, article.date_source) == (D(2005, 1, 15), "curator")
    other.refresh_from_db()
    assert other.published is None
    assert search_ids(date_from=D(2005, 1, 15), date_to=D(2005, 1, 15)) == {a.pk for a in chosen}
