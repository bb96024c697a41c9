#!/bin/bash
# The confinement of tasks started without systemd, checked from inside the
# confined process (tests/root/test-confine.c).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_root
exec "$PADDOCK_BUILDDIR/tests/root/test-confine"
