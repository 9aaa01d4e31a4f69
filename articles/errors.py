"""How the archive answers when a request fails, in one place: a bad parameter is a 400 with its
message, an unreadable search index a 503 that says so, and every error under /api/ (and of the
CSV and Atom data paths) the documented JSON shape {"error": {"code", "message", "param"}}.

`ErrorMiddleware` maps the exceptions views raise; `bad_request`, `forbidden`, `not_found` and
`server_error` are the URLconf's handlers for the errors Django raises before or around a view, and
`csrf_failure` is CSRF_FAILURE_VIEW.
"""

import logging

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views import csrf, defaults

from articles.search import backend
from articles.search.base import IndexUnavailable
from articles.urlstate import BadParameter

logger = logging.getLogger(__name__)

# Exceptions Django answers itself (404, 403, 400): they say nothing about the index.
ANSWERED_BY_DJANGO = (Http404, PermissionDenied, SuspiciousOperation)

UNAVAILABLE = (
    "Search is being rebuilt: its index cannot be read at the moment. "
    "Try again in a few minutes; if this lasts, tell whoever runs this archive."
)
RETRY_AFTER_SECONDS = 120
API = "/api"


def error_response(status: int, code: str, message: str, param: str | None = None) -> JsonResponse:
    """The API's one error shape; `param` names the parameter at fault, or is null."""
    return JsonResponse({"error": {"code": code, "message": message, "param": param}}, status=status)


def wants_data(request) -> bool:
    """True for the paths that answer with data (JSON, CSV, Atom): their errors are JSON."""
    path = request.path
    return path == API or path.startswith(API + "/") or path in (reverse("export_csv"), reverse("feed"))


def bad_parameter(request, error: BadParameter):
    if wants_data(request):
        return error_response(400, "bad_parameter", error.message, error.param)
    return render(request, "search/error.html", {"error": error}, status=400)


def unavailable(request, error: IndexUnavailable):
    logger.error("Answered 503 to %s: %s Run: manage.py rebuild_index", request.path, error)
    if wants_data(request):
        response = error_response(503, "index_unavailable", UNAVAILABLE)
    else:
        response = render(request, "503.html", {"message": UNAVAILABLE}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class ErrorMiddleware:
    """Turns the exceptions a view raises into answers: BadParameter -> 400, IndexUnavailable -> 503,
    and any other failure into a 503 too when the index turns out to be unreadable (damaged in the
    middle of a search); everything else goes on to handler500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, BadParameter):
            return bad_parameter(request, exception)
        if isinstance(exception, IndexUnavailable):
            return unavailable(request, exception)
        if isinstance(exception, ANSWERED_BY_DJANGO):
            return None
        try:
            backend().ensure_readable()
        except IndexUnavailable as damage:
            return unavailable(request, damage)
        return None


def bad_request(request, exception):
    if wants_data(request):
        return error_response(400, "bad_request", "The archive cannot read this request.")
    return defaults.bad_request(request, exception)


def forbidden(request, exception):
    if wants_data(request):
        return error_response(403, "forbidden", "This request is not allowed.")
    return defaults.permission_denied(request, exception)


def csrf_failure(request, reason=""):
    if wants_data(request):
        return error_response(403, "forbidden", "The API only reads: send GET requests.")
    return csrf.csrf_failure(request, reason)


def not_found(request, exception):
    if wants_data(request):
        return error_response(
            404, "not_found", f"There is nothing at {request.path}; see the README for the API's paths."
        )
    return defaults.page_not_found(request, exception)


def server_error(request):
    if wants_data(request):
        return error_response(
            500, "server_error", "The archive failed to answer this request; the error has been logged."
        )
    return defaults.server_error(request)
