#!/usr/bin/env bash
# Installs Debian's nginx and its Nchan module for the peer runs (bench/side-by-side.sh, SERVER=nchan
# bench/run-100k.sh); does nothing when the module is there.
set -euo pipefail
[ -f /usr/lib/nginx/modules/ngx_nchan_module.so ] && exit 0
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -q nginx libnginx-mod-nchan >/dev/null 2>&1 \
    || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q nginx libnginx-mod-nchan >/dev/null; }
# The package starts a default server on port 80 where it can; the peer runs its own.
$SUDO service nginx stop >/dev/null 2>&1 || true
