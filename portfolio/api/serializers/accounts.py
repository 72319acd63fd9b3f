"""Profile, connections and tokens. Secrets are write-only: only masked hints come back."""

from rest_framework import serializers

from accounts.models import KrakenConnection, Profile, RateTier
from portfolio.api.models import ApiToken


class ProfileSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    email = serializers.CharField(source="user.email", read_only=True)

    class Meta:
        model = Profile
        fields = (
            "username",
            "email",
            "base_currency",
            "jurisdiction",
            "cost_basis_method",
            "time_zone",
            "unknown_basis",
            "network_fee",
            "exchange_fee",
        )


class ProfileUpdateSerializer(serializers.Serializer):
    """Any of the profile's settings; the profile page's form checks them together."""

    base_currency = serializers.CharField(required=False)
    jurisdiction = serializers.CharField(required=False)
    cost_basis_method = serializers.CharField(required=False)
    time_zone = serializers.CharField(required=False)
    unknown_basis = serializers.CharField(required=False, allow_blank=True)
    network_fee = serializers.CharField(required=False, allow_blank=True)
    exchange_fee = serializers.CharField(required=False, allow_blank=True)


class ConnectionSerializer(serializers.ModelSerializer):
    """A connection as shown: keys only as hints (first and last four characters)."""

    has_futures = serializers.BooleanField(read_only=True)
    keys_readable = serializers.BooleanField(read_only=True)

    class Meta:
        model = KrakenConnection
        fields = (
            "id",
            "label",
            "csv_only",
            "api_key_hint",
            "futures_key_hint",
            "has_futures",
            "keys_readable",
            "api_url",
            "futures_url",
            "rate_tier",
            "rate_max",
            "rate_decay",
            "sync_interval_minutes",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


def _secret(**kwargs) -> serializers.CharField:
    return serializers.CharField(
        write_only=True, required=False, allow_blank=True, trim_whitespace=False, **kwargs
    )


class ConnectionWriteSerializer(serializers.Serializer):
    """What a connection is made or changed with; the accounts services check every field
    (the same checks as the connection form). On update, a blank or absent key or secret keeps
    the stored one."""

    label = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    api_key = _secret()
    api_secret = _secret()
    futures_key = _secret()
    futures_secret = _secret()
    api_url = serializers.CharField(required=False)
    futures_url = serializers.CharField(required=False)
    rate_tier = serializers.ChoiceField(choices=RateTier.choices, required=False)
    rate_max = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    rate_decay = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    sync_interval_minutes = serializers.IntegerField(
        required=False, min_value=-(2**31), max_value=2**31
    )
    csv_only = serializers.BooleanField(required=False)
    clear_futures = serializers.BooleanField(required=False, write_only=True)


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ("id", "name", "read_only", "token_key", "created", "last_used_at")
        read_only_fields = fields


class ApiTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True, trim_whitespace=False)
    read_only = serializers.BooleanField(default=True)


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    token = serializers.CharField(read_only=True, help_text="Shown this once; store it now.")

    class Meta(ApiTokenSerializer.Meta):
        fields = (*ApiTokenSerializer.Meta.fields, "token")
        read_only_fields = fields
