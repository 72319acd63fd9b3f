"""The OpenAPI description: every operation documents our one error shape and the token scheme."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

ERROR_STATUSES = {
    "400": "Invalid input (the fields say which)",
    "401": "No credentials, or a token that is unknown or revoked",
    "403": "A read-only token used to write, or a missing CSRF token with a session",
    "404": "Not found (or not yours)",
    "405": "Method not allowed",
    "406": "Only application/json is served",
    "409": "Conflicts with the current state",
    "413": "Upload over the size limit",
    "415": "Unsupported media type",
    "429": "Too many calls; retry after the Retry-After header's seconds",
}


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


class ApiAutoSchema(AutoSchema):
    def _get_paginator(self):
        """The view's paginator, told the path it pages (for its schema's link examples)."""
        paginator = super()._get_paginator()
        if paginator is not None:
            paginator.schema_path = self.path
        return paginator

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in ERROR_STATUSES.items():
            if code not in responses:
                body = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                responses[code] = {**body, "description": description}
        return responses


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "portfolio.api.auth.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'A personal API token, sent as "Token kp_…".',
        }
