"""Forms of the reports pages."""

from typing import Any

from django import forms
from django.utils import timezone


class ManualPriceForm(forms.Form):
    """A price by hand. A moment typed without an offset is in the user's time zone (Django reads
    it in the active zone, which ``accounts.middleware`` sets from the profile)."""

    asset = forms.CharField(max_length=32, help_text="e.g. DOT")
    quote = forms.CharField(max_length=32, help_text="the currency, e.g. USD")
    at = forms.DateTimeField(label="Moment")
    price = forms.DecimalField(max_digits=30, decimal_places=10, min_value=0)
    note = forms.CharField(max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone = timezone.get_current_timezone_name()
        self.fields["at"].label = f"Moment ({zone})"
        self.fields["at"].help_text = (
            f"in your time zone, {zone}, unless you add an offset: e.g. 2024-05-01 14:00, "
            "or 2024-05-01 12:00+00:00 for noon UTC"
        )
