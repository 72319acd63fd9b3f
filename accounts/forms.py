"""Forms: parse and show input; the services validate and save."""

from django import forms
from django.contrib.auth.forms import UserCreationForm

from accounts.models import Profile, RateTier
from accounts.services import ConnectionInput
from portfolio.accounting.jurisdictions import METHOD_LABELS, get_jurisdiction
from portfolio.accounting.policies import ExchangeFee


class SignUpForm(UserCreationForm):
    email = forms.EmailField(required=False)

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = (
            "base_currency",
            "jurisdiction",
            "cost_basis_method",
            "time_zone",
            "unknown_basis",
            "network_fee",
            "exchange_fee",
        )
        help_texts = {
            "unknown_basis": (
                "The basis of deposited coins that never left Kraken before (unknown history). "
                "A basis and date you enter for a deposit on the Unknown basis page are used "
                "for it whatever you pick here; this decides the deposits you enter nothing for."
            ),
        }

    def clean(self):
        cleaned = super().clean()
        jurisdiction = cleaned.get("jurisdiction")
        method = cleaned.get("cost_basis_method")
        if jurisdiction and method:
            rules = get_jurisdiction(jurisdiction)
            if not rules.allows(method):
                names = ", ".join(
                    label for code, label in METHOD_LABELS.items() if rules.allows(code)
                )
                self.add_error("cost_basis_method", f"{rules.label} requires: {names}.")
        if cleaned.get("exchange_fee") == ExchangeFee.SPLIT.value and jurisdiction not in (
            None,
            "uk",
        ):
            self.add_error(
                "exchange_fee",
                "Splitting a trade's fee is a UK rule (HMRC CRYPTO22150); "
                f"{get_jurisdiction(jurisdiction).label} gives the whole fee to the disposal.",
            )
        return cleaned


class SecretInput(forms.PasswordInput):
    """Never renders a stored value back into the page."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"autocomplete": "off", **(attrs or {})}, render_value=False)


class CsvOnlyConnectionForm(forms.Form):
    label = forms.CharField(max_length=80)


class ConnectionForm(forms.Form):
    label = forms.CharField(max_length=80)
    api_key = forms.CharField(label="API key", required=False, widget=SecretInput)
    api_secret = forms.CharField(
        label="API secret (private key)", required=False, widget=SecretInput
    )
    futures_key = forms.CharField(label="Kraken Futures key", required=False, widget=SecretInput)
    futures_secret = forms.CharField(
        label="Kraken Futures secret", required=False, widget=SecretInput
    )
    api_url = forms.URLField(
        label="Spot API base URL", initial="https://api.kraken.com", assume_scheme="https"
    )
    futures_url = forms.URLField(
        label="Futures API base URL", initial="https://futures.kraken.com", assume_scheme="https"
    )
    rate_tier = forms.ChoiceField(
        label="Rate-limit tier", choices=RateTier.choices, initial=RateTier.STARTER
    )
    rate_max = forms.DecimalField(label="Custom maximum", required=False, min_value=0)
    rate_decay = forms.DecimalField(label="Custom decay per second", required=False, min_value=0)
    sync_interval_minutes = forms.IntegerField(
        label="Sync every (minutes)", initial=60, min_value=5
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing:
            for name in ("api_key", "api_secret", "futures_key", "futures_secret"):
                self.fields[name].help_text = "Leave blank to keep the stored value."
            self.fields["clear_futures"] = forms.BooleanField(
                label="Remove the Kraken Futures key", required=False
            )
        else:
            self.fields["api_key"].required = True
            self.fields["api_secret"].required = True

    def connection_input(self) -> ConnectionInput:
        """What ``services.connection_create``/``connection_update`` take, from the cleaned data
        (the page and the API both go through this form)."""
        data = self.cleaned_data
        return ConnectionInput(
            label=data["label"],
            api_key=data.get("api_key") or "",
            api_secret=data.get("api_secret") or "",
            futures_key=data.get("futures_key") or "",
            futures_secret=data.get("futures_secret") or "",
            api_url=data["api_url"],
            futures_url=data["futures_url"],
            rate_tier=data["rate_tier"],
            rate_max=data.get("rate_max"),
            rate_decay=data.get("rate_decay"),
            sync_interval_minutes=data["sync_interval_minutes"],
        )
