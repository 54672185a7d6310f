"""Persistence: SQLAlchemy 2 models, the repository the service talks to, and migrations."""
