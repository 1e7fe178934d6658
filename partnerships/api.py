"""Shared REST API pieces: pagination, error format, token issue, partnerships endpoint."""
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from . import access, api_tokens, two_factor
from .api_support import StrictCharField, StrictEmailField
from .models import Agency, Partnership


class TokenRequestSerializer(serializers.Serializer):
    email = StrictEmailField()
    password = StrictCharField(style={"input_type": "password"}, trim_whitespace=False)
    code = StrictCharField(
        required=False, allow_blank=True, max_length=20,
        help_text="For people with two-step verification: the 6-digit code from their authenticator app, "
                  "or a recovery code.",
    )
    name = StrictCharField(
        required=False, allow_blank=True, max_length=100,
        help_text="What the token is for, shown with its last use on the person's account page.",
    )


class TokenThrottle(AnonRateThrottle):
    rate = "20/minute"


class ObtainTokenView(APIView):
    """Exchange an email address and password for an API token."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [TokenThrottle]
    serializer_class = TokenRequestSerializer

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer("TokenResponse", {
                "token": serializers.CharField(help_text="Send as the header `Authorization: Token <token>`. "
                                                         "Shown once: only its hash is kept."),
                "expires_at": serializers.DateTimeField(),
            }),
            429: inline_serializer("TokenLockedResponse", {"detail": serializers.CharField()}),
        },
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request, username=serializer.validated_data["email"].lower(),
            password=serializer.validated_data["password"],
        )
        if getattr(request, "axes_locked_out", False) or getattr(request._request, "axes_locked_out", False):
            return Response(
                {"detail": "Too many attempts to sign in with this email address. Try again later."},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        if user is None or not user.is_active:
            raise ValidationError({"non_field_errors": ["Those sign-in details are not right."]})
        owed = two_factor.owed(user)
        if owed == two_factor.SET_UP:
            raise ValidationError({"code": ["Your partnership requires two-step verification: set it up in the "
                                            "portal before asking for an API token."]})
        if owed == two_factor.VERIFY:
            if not serializer.validated_data.get("code"):
                raise ValidationError({"code": ["Enter the code from your authenticator app."]})
            try:
                two_factor.check_code(user, serializer.validated_data["code"])
            except DjangoValidationError as error:
                raise ValidationError(error.message_dict) from None
        token, key = api_tokens.issue(user, name=serializer.validated_data.get("name") or "API token")
        return Response({"token": key, "expires_at": serializers.DateTimeField().to_representation(token.expires_at)})


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "name", "short_name", "sector", "is_statutory_partner"]


class PartnershipSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField()
    agencies = AgencySerializer(many=True, read_only=True)

    class Meta:
        model = Partnership
        fields = ["id", "name", "slug", "nation", "area", "child_population_under_16", "role", "agencies"]

    def get_role(self, obj) -> str:
        membership = access.memberships_of(self.context["request"].user).get(obj.pk)
        return membership.role if membership else ""


class PartnershipViewSet(viewsets.ReadOnlyModelViewSet):
    """The partnerships the caller belongs to, with their agencies and the caller's role."""

    serializer_class = PartnershipSerializer

    def get_queryset(self):
        return access.partnerships_of(self.request.user).prefetch_related("agencies").order_by("name")
