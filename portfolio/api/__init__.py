"""The REST API under /api/v1/: thin views and serializers over services and selectors."""
