#!/usr/bin/env bash
# Installs what the integration tests drive besides Liberty and Artemis (which Maven fetches):
# unzip (lays out the Liberty runtime), Debian's nginx (NginxIT: the load balancer config of docker/) and Chromium with its driver
# (BrowserIT: the demo page in a real browser), iproute2's tc (ClientCloseIT: a client that vanishes, its packets held on
# loopback). Does nothing when they are already there.
set -euo pipefail
missing=()
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v tc >/dev/null 2>&1 || [ -x /usr/sbin/tc ] || missing+=(iproute2)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "[test-deps] installing ${missing[*]} from Debian's packages" >&2
SUDO=""
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "[test-deps] need root (or sudo) to install ${missing[*]}" >&2; exit 1; }
    SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
# The nginx package starts a default server on port 80 where it can; the tests run their own.
$SUDO service nginx stop >/dev/null 2>&1 || true
