"""API settings hooks, kept free of view imports so DRF can load them from settings."""
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import ConflictError


class CappedPageNumberPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        """A page_size that is not a whole number from 1 up is bad input (400), not silently ignored; an empty
        one is no page_size, as an empty value is for every query parameter."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw not in (None, ""):
            try:
                valid = int(raw) >= 1
            except ValueError:
                valid = False
            if not valid:
                raise ValidationError({self.page_size_query_param: [f"Enter a whole number from 1 to {self.max_page_size}."]})
        return super().get_page_size(request)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters


class StrictStringMixin:
    """A text field that takes only a JSON string. DRF's own turns 5 into "5", so a client sending a number
    where the schema says string would never learn of its mistake: here it is a 400 naming the field."""

    default_error_messages = {"not_a_string": "Not a valid string."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string")
        return super().to_internal_value(data)


class StrictCharField(StrictStringMixin, serializers.CharField):
    pass


class StrictEmailField(StrictStringMixin, serializers.EmailField):
    pass


class StrictURLField(StrictStringMixin, serializers.URLField):
    pass


def exception_handler(exc, context):
    """Django validation errors from services become 400 with field messages; conflicts become 412."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = ValidationError(detail)
    if isinstance(exc, ConflictError):
        return Response(
            {"detail": str(exc), "current_version": getattr(exc.current, "version", None)},
            status=status.HTTP_412_PRECONDITION_FAILED,
        )
    return drf_exception_handler(exc, context)


ERROR_RESPONSES = {
    "400": "Bad input: the body names each field with its messages.",
    "401": "No credentials, or a token that is not valid.",
    "403": "The caller's role does not allow this.",
    "404": "Not found, or outside the caller's partnerships.",
    "429": "Too many requests; try again later.",
}


def document_api_contract(result, generator, request, public):
    """Schema post-processing, so the schema says what the API does:

    - request bodies accept only the fields they declare (unknown fields are refused with 400);
    - an empty query parameter (`?status=`) is accepted and means the parameter was not given, as
      django-filter treats an empty filter value (a value that is not empty must still be a valid one);
    - every operation documents the error answers it can give, and PATCH the 412 for a stale If-Match and
      the 428 for a missing one."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, component in schemas.items():
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
    schemas["ErrorResponse"] = {
        "type": "object", "additionalProperties": True,
        "description": "A `detail` message, or field names with lists of messages.",
    }
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    parameter["allowEmptyValue"] = True
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                responses.setdefault(code, {"description": description, "content": error})
            # Given by gunicorn (or the proxy in front of it), in HTML, before the portal sees the request.
            responses.setdefault("414", {"description": "The address is longer than the server accepts (4 KB)."})
            if method == "patch":
                responses.setdefault("412", {
                    "description": "The record changed since the version named in If-Match.", "content": error,
                })
                responses.setdefault("428", {"description": "No If-Match header was sent.", "content": error})
    return result


# -- conditional answers: an ETag named from the state of the data, a 304 without a body, and the JSON of a
# full answer kept in the cache under that ETag (so never older than the database) ---------------------------

CACHED_ANSWER_SECONDS = 3600


def etag_for(*parts):
    """A strong ETag naming `parts` (ids, versions, the query, the day…) and nothing else."""
    import hashlib

    return '"' + hashlib.sha256(repr(parts).encode()).hexdigest()[:32] + '"'


def etag_matches(request, etag):
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    sent = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in sent or etag in sent


def conditional_json(request, etag, build):
    """304 with no body when the client holds `etag`; otherwise the JSON of `build()`, read from the cache when
    an earlier request built it under the same ETag. `build` may raise (bad input): nothing is cached then."""
    from django.core.cache import cache
    from django.http import HttpResponse
    from rest_framework.renderers import JSONRenderer

    if etag_matches(request, etag):
        response = HttpResponse(status=304)
        del response["Content-Type"]
    else:
        key = "api-answer:" + etag.strip('"')
        body = cache.get(key)
        if body is None:
            body = JSONRenderer().render(build())
            cache.set(key, body, CACHED_ANSWER_SECONDS)
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    return response
