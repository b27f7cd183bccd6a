"""Statements whose SQL text is built once per process and database, then run with new
values: peewee takes longer to put a statement of some twenty subqueries together (the
desk home's headline) than the database takes to run it.

``reused(key, build, values)`` is a ``prepared.Prepared`` query kept under ``key``, for
builders that take their values as arguments: ``build`` gets one ``slot`` per value and
must use them only as they are (compared, not computed with), and the shape of the
statement may depend only on ``key``.
"""
from .prepared import Prepared, slot

_prepared = {}  # key -> Prepared


def reused(key, build, values=()):
    """The cursor of ``build(*values)``'s statement, its SQL built once for ``key``."""
    if key not in _prepared:
        count = len(values)
        _prepared[key] = Prepared(lambda: build(*[slot(str(n)) for n in range(count)]))
    return _prepared[key].run(**{str(n): value for n, value in enumerate(values)})[1]
