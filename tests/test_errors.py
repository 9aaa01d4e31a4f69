"""Errors answer in the shape of the path: every /api/ path (and the CSV and Atom data paths) with
the documented JSON {"error": {"code", "message", "param"}}, HTML pages with the archive's pages."""

import pytest
from django.test import Client

from tests.archive_data import make_articles

pytestmark = pytest.mark.django_db


def error_of(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert set(error) == {"code", "message", "param"} and error["message"]
    return error


@pytest.mark.parametrize(
    "path", ["/api/", "/api", "/api/articles/abc", "/api/articles/", "/api/nothing/here", "/api/articles/1/x"]
)
def test_every_unknown_api_path_is_a_json_404(client, path):
    assert error_of(client.get(path), 404)["code"] == "not_found"


def test_a_missing_article_is_a_json_404_with_a_null_param(client):
    error = error_of(client.get("/api/articles/999999"), 404)
    assert error == {"code": "not_found", "message": error["message"], "param": None}


def test_a_failure_inside_an_api_view_is_a_json_500(client, monkeypatch):
    make_articles()

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("articles.api.search_page", broken)
    client.raise_request_exception = False
    assert error_of(client.get("/api/search", {"q": "steel"}), 500)["code"] == "server_error"


def test_html_pages_keep_their_html_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"Search the archive" in response.content
    assert client.get("/facets/nonsense/").status_code == 404


def test_a_post_to_the_api_without_a_csrf_token_is_a_json_403():
    client = Client(enforce_csrf_checks=True)
    assert error_of(client.post("/api/search", {"q": "steel"}), 403)["code"] == "forbidden"
    assert client.post("/", {"q": "steel"}).status_code == 403


def test_a_bad_host_header_under_the_api_is_a_json_400(client):
    client.raise_request_exception = False
    response = client.get("/api/search", HTTP_HOST="evil.example")
    assert error_of(response, 400)["code"] == "bad_request"
