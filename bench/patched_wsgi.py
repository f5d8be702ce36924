"""The app with the list fix proposed in bench/README.md applied, for before/after numbers
(benchmarks only; the real change belongs in ``motcua/api/pagination.py``).

``Keyset`` orders every column ``NULLS LAST`` (ascending and descending) and adds
``OR col IS NULL`` to the cursor condition. For a NOT NULL column (``received_at``) that is
a no-op semantically, but ``DESC NULLS LAST`` is not the order of a backward index scan
(PostgreSQL's ``DESC`` is ``NULLS FIRST``), so no index can serve the ordering and every
page becomes a full scan + top-N sort. Here a NOT NULL column takes the placement that is
the database's default for its direction, which keeps the order and lets the index work.

    granian --interface wsgi bench.patched_wsgi:application ...
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()

from django.core.exceptions import FieldDoesNotExist  # noqa: E402

from motcua.api import pagination  # noqa: E402

_original_apply = pagination.Keyset.apply


def _apply(self: pagination.Keyset, queryset: Any) -> Any:
    if not getattr(self, "_bench_checked", False):
        keys = []
        for key in self.columns:
            try:
                field = queryset.model._meta.get_field(key.field)
                not_null = not field.null
            except FieldDoesNotExist:
                not_null = False
            keys.append(replace(key, nulls_first=key.descending) if not_null else key)
        self.columns = tuple(keys)
        self._bench_checked = True
    return _original_apply(self, queryset)


pagination.Keyset.apply = _apply  # type: ignore[method-assign]
