"""The REST API under /api/v1 (docs/api.md): django-ninja over the records services."""
