"""Locks on things that have no row to lock yet: a hash chain's subject, a year's series of numbers.

`hold(model, subjects)` serialises, until the transaction ends, every writer that holds the same
subjects of the same table; other subjects are not held up. On PostgreSQL it is an advisory lock
keyed by table and subject. SQLite needs nothing: its transactions start with the database's write
lock (transaction_mode IMMEDIATE), so writers are serialised already.
"""

import zlib
from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connections, models

LOCK_CLASS = 0x5A7C  # the advisory-lock namespace of the platform: one lock per (table, subject) inside it


def hold(model: type[models.Model], subjects: Iterable[str], using: str = DEFAULT_DB_ALIAS) -> None:
    """Hold these subjects of the model's table until the transaction ends. The locks are taken in one
    order, so two transactions holding the same subjects cannot deadlock on them."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        keys = sorted({zlib.crc32(f"{table}\0{subject}".encode()) - (1 << 31) for subject in subjects})  # int4
        with connection.cursor() as cursor:
            for key in keys:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_CLASS, key])
