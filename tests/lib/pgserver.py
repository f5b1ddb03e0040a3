"""pgserver.py - a throwaway PostgreSQL server for the tests.

Cluster() runs initdb in a temporary folder and starts the server on a free
port of 127.0.0.1 (as the `postgres` user the Debian package creates when the
tests run as root, since the server refuses to run as root); new_db() gives
each test a database of its own. Nothing is left running: the server is
stopped and its folder removed when the process exits.
"""
import atexit
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time


def pg_bindir():
    """The newest installed server's bin folder (Debian: /usr/lib/postgresql/N/bin)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if not found:
        raise RuntimeError("no PostgreSQL server installed (scripts/deps installs postgresql)")
    return os.path.dirname(found[-1])


def _free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Cluster:
    """durable: fsync and full-page writes on, as a production server runs (the benchmark);
    the tests run without them, for speed."""

    def __init__(self, durable=False):
        self.bindir = pg_bindir()
        self.dir = tempfile.mkdtemp(prefix="salespm-pg-")
        self.data = os.path.join(self.dir, "data")
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")
            os.chmod(self.dir, 0o755)
        self._n = 0
        self._run([os.path.join(self.bindir, "initdb"), "-D", self.data, "-A", "trust",
                   "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8"]
                  + ([] if durable else ["--no-sync"]))
        opts = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                "-c max_connections=200 ")
        opts += ("-c shared_buffers=256MB -c max_wal_size=4GB" if durable else
                 "-c fsync=off -c full_page_writes=off -c shared_buffers=32MB")
        self._run([os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-o", opts,
                   "-l", os.path.join(self.dir, "log"), "-w", "-t", "60", "start"])
        atexit.register(self.stop)

    def _run(self, argv):
        if self.as_root:
            argv = ["runuser", "-u", "postgres", "--"] + argv
        p = subprocess.run(argv, capture_output=True, text=True, cwd=self.dir)
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)}: {p.stdout}{p.stderr}")
        return p.stdout

    def dsn(self, db):
        return f"postgresql://postgres@127.0.0.1:{self.port}/{db}"

    def psql(self, sql, db="postgres"):
        return self._run([os.path.join(self.bindir, "psql"), "-X", "-q", "-A", "-t", "-h",
                          "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", db,
                          "-v", "ON_ERROR_STOP=1", "-c", sql])

    def psql_rows(self, sql, db):
        """The rows of one statement, each a list of strings (NULL as \\N)."""
        out = self._run([os.path.join(self.bindir, "psql"), "-X", "-q", "-A", "-t", "-F", "\x1f",
                         "-P", "null=\\N", "-h", "127.0.0.1", "-p", str(self.port), "-U",
                         "postgres", "-d", db, "-v", "ON_ERROR_STOP=1", "-c", sql])
        return [line.split("\x1f") for line in out.splitlines() if line]

    def session(self, db):
        """A psql session reading commands from its stdin (text), for holding a lock."""
        argv = [os.path.join(self.bindir, "psql"), "-X", "-q", "-A", "-t", "-h", "127.0.0.1",
                "-p", str(self.port), "-U", "postgres", "-d", db]
        if self.as_root:
            argv = ["runuser", "-u", "postgres", "--"] + argv
        return subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                cwd=self.dir)

    def new_db(self, template="template0"):
        """A new empty database (or a copy of the database template); its DSN."""
        self._n += 1
        name = f"t{os.getpid()}_{self._n}"
        self.psql(f"CREATE DATABASE {name} TEMPLATE {template} ENCODING 'UTF8'")
        return self.dsn(name)

    def stop(self):
        if os.path.isdir(self.data):
            try:
                self._run([os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-m",
                           "immediate", "-w", "stop"])
            except RuntimeError:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)


_cluster = None


def cluster():
    """The process's one cluster, started on first use."""
    global _cluster
    if _cluster is None:
        _cluster = Cluster()
    return _cluster
