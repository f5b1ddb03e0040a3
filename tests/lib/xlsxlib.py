"""xlsxlib.py - openpyxl for the tests that make and read .xlsx workbooks independently of
the program: Debian's python3-openpyxl. Under a python that lacks it (pyenv's), the test
is run again under the system's /usr/bin/python3, which has it.

    sys.path.insert(0, <tests/lib>)
    from xlsxlib import openpyxl
"""
import os
import sys

try:
    import openpyxl  # noqa: F401
except ImportError:
    if os.path.exists("/usr/bin/python3") and sys.executable != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise
