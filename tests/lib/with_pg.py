"""with_pg.py CMD [ARGS...] - run CMD with SALESPM_TEST_PG_DSN naming an empty database on a
throwaway PostgreSQL server (started here, stopped when CMD ends); CMD's exit code is ours.
scripts/run-tests runs the store's unit tests on PostgreSQL this way."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pgserver import cluster  # noqa: E402

if __name__ == "__main__":
    dsn = cluster().new_db()
    rc = subprocess.call(sys.argv[1:], env=dict(os.environ, SALESPM_TEST_PG_DSN=dsn))
    sys.exit(rc)
