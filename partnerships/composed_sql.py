"""SQL composed once per process for the few reads on the API's hottest path (every polling request).

Django builds a query's SQL anew on every call; for the API token's join of five tables that took longer than
the database took to answer it. Here the SQL is composed from the models' metadata the first time (so it
follows the models), kept, and its rows are turned into values and instances with the same converters the
ORM applies. Use it only where a profile shows the ORM's building time to matter; everywhere else use the ORM.
"""
from django.db import connection

_composed = {}


class Columns:
    """The concrete fields of `model` read from `alias`: their select list, and how a row's values become
    Python values (each field's database converters) and an instance (Model.from_db)."""

    def __init__(self, model, alias, fields=None):
        self.model, self.alias = model, alias
        self.fields = list(fields if fields is not None else model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        qn = connection.ops.quote_name
        self.select = [f"{qn(alias)}.{qn(f.column)}" for f in self.fields]
        self.cols = [f.get_col(alias) for f in self.fields]
        self.converters = [
            [*connection.ops.get_db_converters(col), *f.get_db_converters(connection)]
            for f, col in zip(self.fields, self.cols)
        ]

    def __len__(self):
        return len(self.fields)

    def values(self, raw):
        values = list(raw)
        for i, converters in enumerate(self.converters):
            for convert in converters:
                values[i] = convert(values[i], self.cols[i], connection)
        return values

    def instance(self, raw):
        return self.model.from_db(connection.alias, self.attnames, self.values(raw))


def composed(key, compose):
    """The (sql, parts) that `compose()` returns, made once per process and database vendor."""
    cache_key = (key, connection.vendor)
    if cache_key not in _composed:
        _composed[cache_key] = compose()
    return _composed[cache_key]


def fetch(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
