"""Forms of the reports pages."""

from django import forms


class ManualPriceForm(forms.Form):
    asset = forms.CharField(max_length=32, help_text="e.g. DOT")
    quote = forms.CharField(max_length=32, help_text="the currency, e.g. USD")
    at = forms.DateTimeField(
        label="Moment (UTC)", help_text="e.g. 2024-05-01 12:00:00+00:00", input_formats=None
    )
    price = forms.DecimalField(max_digits=30, decimal_places=10, min_value=0)
    note = forms.CharField(max_length=200, required=False)
