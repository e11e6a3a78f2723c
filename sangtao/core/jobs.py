"""Periodic maintenance of the database itself."""

from django.db import connection

from sangtao.core.tasks import periodic


@periodic
def refresh_planner_statistics() -> None:
    """Keep SQLite's query planner statistics fresh (PostgreSQL's autovacuum does this)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA optimize")
