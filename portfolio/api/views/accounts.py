"""Profile, connections and personal tokens."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.forms import ConnectionForm, CsvOnlyConnectionForm, ProfileForm
from portfolio.api.serializers.accounts import (
    ApiTokenCreatedSerializer,
    ApiTokenCreateSerializer,
    ApiTokenSerializer,
    ConnectionSerializer,
    ConnectionWriteSerializer,
    ProfileSerializer,
    ProfileUpdateSerializer,
)
from portfolio.api.tokens import api_token_create, api_token_for, api_token_revoke, api_tokens_for

TAG_ACCOUNT = ["account"]


def _validated(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ProfileView(APIView):
    @extend_schema(tags=TAG_ACCOUNT, responses=ProfileSerializer, summary="Your profile")
    def get(self, request):
        return Response(ProfileSerializer(services.profile_for(user=request.user)).data)

    @extend_schema(
        tags=TAG_ACCOUNT,
        request=ProfileUpdateSerializer,
        responses=ProfileSerializer,
        summary="Change profile settings (a change recomputes your accounts)",
    )
    def patch(self, request):
        changes = _validated(ProfileUpdateSerializer, request.data)
        current = ProfileSerializer(services.profile_for(user=request.user)).data
        form = ProfileForm(
            {**{k: v for k, v in current.items() if k in ProfileForm.Meta.fields}, **changes},
            instance=services.profile_for(user=request.user),
        )
        if not form.is_valid():
            raise _form_errors(form)
        stored = services.profile_for(user=request.user)
        services.profile_update(profile=stored, fields=form.cleaned_data)
        return Response(ProfileSerializer(services.profile_for(user=request.user)).data)


def _form_data(request, defaults: dict) -> dict:
    """The body as form data: the connection pages' forms parse it (the same messages)."""
    if not isinstance(request.data, dict):
        raise ValidationError({"non_field_errors": ["Send a JSON object."]})
    problems = {
        name: ["Expected a single value."]
        for name, value in request.data.items()
        if not isinstance(value, str | int | float | bool | type(None))
    }
    if problems:
        raise ValidationError(problems)
    data = {**defaults, **request.data}
    return {k: ("" if v is None else v) for k, v in data.items()}


def _form_errors(form) -> ValidationError:
    return ValidationError(
        {("non_field_errors" if k == "__all__" else k): v for k, v in form.errors.items()}
    )


NEW_CONNECTION = {
    name: field.initial
    for name, field in ConnectionForm.base_fields.items()
    if field.initial is not None
}


def _current(connection) -> dict:
    return {
        "label": connection.label,
        "api_url": connection.api_url,
        "futures_url": connection.futures_url,
        "rate_tier": connection.rate_tier,
        "rate_max": connection.rate_max,
        "rate_decay": connection.rate_decay,
        "sync_interval_minutes": connection.sync_interval_minutes,
    }


class ConnectionListView(APIView):
    @extend_schema(
        tags=TAG_ACCOUNT, responses=ConnectionSerializer(many=True), summary="Your connections"
    )
    def get(self, request):
        connections = selectors.connections_for(user=request.user)
        return Response(ConnectionSerializer(connections, many=True).data)

    @extend_schema(
        tags=TAG_ACCOUNT,
        request=ConnectionWriteSerializer,
        responses={201: ConnectionSerializer},
        summary="Add a connection (keys are checked as on the connection page)",
    )
    def post(self, request):
        data = _form_data(request, NEW_CONNECTION)
        if data.get("csv_only") in (True, "true", "True", "1", 1):
            form = CsvOnlyConnectionForm(data)
            if not form.is_valid():
                raise _form_errors(form)
            given = services.ConnectionInput(label=form.cleaned_data["label"], csv_only=True)
        else:
            form = ConnectionForm(data)
            if not form.is_valid():
                raise _form_errors(form)
            given = form.connection_input()
        connection = services.connection_create(user=request.user, data=given)
        return Response(ConnectionSerializer(connection).data, status=status.HTTP_201_CREATED)


class ConnectionDetailView(APIView):
    @extend_schema(tags=TAG_ACCOUNT, responses=ConnectionSerializer, summary="One connection")
    def get(self, request, connection_id: int):
        connection = selectors.connection_for(user=request.user, connection_id=connection_id)
        return Response(ConnectionSerializer(connection).data)

    @extend_schema(
        tags=TAG_ACCOUNT,
        request=ConnectionWriteSerializer,
        responses=ConnectionSerializer,
        summary="Change a connection (absent or blank keys keep the stored ones)",
    )
    def patch(self, request, connection_id: int):
        connection = selectors.connection_for(user=request.user, connection_id=connection_id)
        form = ConnectionForm(_form_data(request, _current(connection)), editing=True)
        if not form.is_valid():
            raise _form_errors(form)
        services.connection_update(
            connection=connection,
            data=form.connection_input(),
            clear_futures=form.cleaned_data.get("clear_futures", False),
        )
        connection.refresh_from_db()
        return Response(ConnectionSerializer(connection).data)

    @extend_schema(
        tags=TAG_ACCOUNT,
        responses={204: None},
        summary="Delete a connection and everything synced through it",
    )
    def delete(self, request, connection_id: int):
        connection = selectors.connection_for(user=request.user, connection_id=connection_id)
        services.connection_delete(connection=connection)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenListView(APIView):
    @extend_schema(
        tags=TAG_ACCOUNT, responses=ApiTokenSerializer(many=True), summary="Your API tokens"
    )
    def get(self, request):
        return Response(ApiTokenSerializer(api_tokens_for(user=request.user), many=True).data)

    @extend_schema(
        tags=TAG_ACCOUNT,
        request=ApiTokenCreateSerializer,
        responses={201: ApiTokenCreatedSerializer},
        summary="Make a token (shown in this answer only)",
    )
    def post(self, request):
        data = _validated(ApiTokenCreateSerializer, request.data)
        token, raw = api_token_create(
            user=request.user, name=data["name"], read_only=data["read_only"]
        )
        token.token = raw
        return Response(ApiTokenCreatedSerializer(token).data, status=status.HTTP_201_CREATED)


class TokenDetailView(APIView):
    @extend_schema(tags=TAG_ACCOUNT, responses={204: None}, summary="Revoke a token")
    def delete(self, request, token_id: int):
        api_token_revoke(token=api_token_for(user=request.user, token_id=token_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
