"""Celery side of reuse: the app factory, the outbox publisher and thin tasks."""
