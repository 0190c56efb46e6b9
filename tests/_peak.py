"""A script that runs the ``ldpub`` command line on its arguments, then prints the process's peak
virtual memory (VmPeak, in kB): for tests of ldpub under an address-space limit (``ulimit -v``)."""

PEAK_SCRIPT = """
import sys
from ldpub.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(open("/proc/self/status").read().split("VmPeak:")[1].split()[0])
"""
