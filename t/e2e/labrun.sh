#!/bin/sh
# labrun.sh DIR: DIR/run, the runit run script (examples/runit/ctparse/run)
# as shipped, less its sysctls, for a lab's router namespace: natlab.sh
# sets the router's own, and net.core.rmem_default is the host's, global,
# not to be set by every lab test (t/ctparse-lab.bats runs the script
# whole, from the host's namespace, to test that part).
top=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -eq 1 ] && [ -d "$1" ] || { echo "usage: labrun.sh DIR" >&2; exit 2; }
sed '/^sysctl /d; /rmem_default/d' "$top/examples/runit/ctparse/run" >"$1/run"
