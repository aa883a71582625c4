"""Alembic migrations of the service's database (package data; see ``matcher.service.db``)."""
