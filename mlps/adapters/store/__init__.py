"""Persistence: SQLAlchemy models, engine set-up, migrations and the repository functions the shell calls."""
