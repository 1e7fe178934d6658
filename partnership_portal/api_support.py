"""API settings hooks, kept free of view imports so DRF can load them from settings."""
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import ConflictError


class CappedPageNumberPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


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


def forbid_unknown_request_fields(result, generator, request, public):
    """Schema post-processing: request bodies accept only the fields they declare, as the API enforces."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
    return result
