#!/bin/bash
# Install everything paddock needs to build, test and demo on Debian 12.
# Idempotent; skips apt when every package is already there.
set -euo pipefail

packages=(
        build-essential pkg-config autoconf automake libtool autoconf-archive
        clang libclang-rt-14-dev scdoc
        libsystemd-dev libseccomp-dev libcap-dev libaudit-dev libauparse-dev
        libnftables-dev libpam0g-dev
        nftables auditd iproute2 passwd procps util-linux systemd
        systemd-container mmdebstrap bubblewrap libnss-wrapper
        python3 xz-utils dnsmasq-base bc
)

missing=()
for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
        echo "Installing: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q
        apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
