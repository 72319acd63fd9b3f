"""One error shape for every failure: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

log = logging.getLogger(__name__)

MESSAGES = {
    "invalid": "The input is not valid; see the fields.",
    "not_found": "Not found.",
}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


class TooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The upload is over the size limit."
    default_code = "too_large"


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _text(detail) -> str:
    if isinstance(detail, list):
        return " ".join(_text(item) for item in detail)
    if isinstance(detail, dict):
        return " ".join(_text(item) for item in detail.values())
    return str(detail)


def _fields(detail) -> dict[str, list[str]]:
    """{field: [messages]} from a DRF ValidationError detail (nested fields joined by '.')."""
    out: dict[str, list[str]] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), item)
        elif (
            isinstance(value, list)
            and value
            and not all(isinstance(i, str | exceptions.ErrorDetail) for i in value)
        ):
            for index, item in enumerate(value):
                walk(f"{prefix}.{index}" if prefix else str(index), item)
        else:
            out[prefix or "non_field_errors"] = [str(v) for v in _as_list(value)]

    walk("", detail)
    return out


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _from_django(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(exc.message_dict)
    return exceptions.ValidationError({"non_field_errors": exc.messages})


def api_exception_handler(exc, context) -> Response:
    """DRF's exception handler, in our shape; anything unexpected is logged and answered 500."""
    if isinstance(exc, DjangoValidationError):
        exc = _from_django(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        view = context.get("view")
        log.error("API error in %s", type(view).__name__ if view else "?", exc_info=exc)
        set_rollback()
        body = error_body("server_error", "Something went wrong on our side; it was logged.")
        return Response(body, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        fields = _fields(exc.detail)
        only = list(fields) == ["non_field_errors"]
        message = " ".join(fields["non_field_errors"]) if only else MESSAGES["invalid"]
        body = error_body("invalid", message, {} if only else fields)
    else:
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
        body = error_body(str(code), _text(exc.detail))
    set_rollback()
    return Response(body, status=exc.status_code, headers=headers)
