"""Serializers: the API's shapes. Amounts are decimal strings, times ISO 8601 with zone."""
