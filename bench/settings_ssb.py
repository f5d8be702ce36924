"""Settings for a benchmark variant: psycopg 3 server-side binding (prepared statements
after 5 executions) and no JIT on the application's PostgreSQL connections.

    DJANGO_SETTINGS_MODULE=bench.settings_ssb bench/run.sh submit ...
"""

from motcua.settings import *  # noqa: F403
from motcua.settings import DATABASES

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"server_side_binding": True, "prepare_threshold": 5, "options": "-c jit=off"}
    )
