from django.contrib import admin

from accounts.models import KrakenConnection, Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "base_currency", "jurisdiction", "cost_basis_method", "time_zone")
    list_filter = ("jurisdiction", "base_currency")
    search_fields = ("user__username",)


@admin.register(KrakenConnection)
class KrakenConnectionAdmin(admin.ModelAdmin):
    """Secrets never appear here: only their masked hints. Change them on the app's pages."""

    list_display = ("label", "user", "api_key_hint", "rate_tier", "api_url", "created_at")
    list_filter = ("rate_tier",)
    search_fields = ("label", "user__username")
    exclude = (
        "api_key_encrypted",
        "api_secret_encrypted",
        "futures_key_encrypted",
        "futures_secret_encrypted",
    )
    readonly_fields = ("key_fingerprint", "api_key_hint", "futures_key_hint")

    def has_add_permission(self, request) -> bool:
        # Adding needs the secrets, which only the app's own form encrypts and validates.
        return False
