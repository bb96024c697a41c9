# A real systemd for tests: a Debian 12 root made by mmdebstrap (cached
# between runs in /var/cache/paddock-tests), paddock installed into it with
# "make install DESTDIR=", booted with systemd-nspawn --boot and driven
# through nsenter. Source after tests/lib.sh.
#
#   ns_boot NAME          extract, install paddock, boot; sets NS_ROOT
#   ns NAME CMD...        run CMD inside the booted container
#   ns_stop NAME          power off and clean up
#
# A host whose PID 1 is not systemd needs a few things nspawn otherwise
# gets from it: a tmpfs on /run/systemd/nspawn, and a cgroup of its own per
# container (with --keep-unit nspawn nests its cgroups below its own).

NS_CACHE=${NS_CACHE:-/var/cache/paddock-tests}
NS_PACKAGES="systemd,systemd-sysv,systemd-timesyncd,dbus,nftables,auditd,iproute2,libpam-modules,libpam-runtime,passwd,procps,util-linux,libnftables1,libauparse0,libseccomp2,libcap2"
NS_WORK=${NS_WORK:-/var/tmp/paddock-nspawn}
NS_ROOT=

ns_tar() {
        echo "$NS_CACHE/bookworm-$(echo "$NS_PACKAGES" | sha256sum | cut -c1-12).tar"
}

# The Debian root, built once: ~40 s and 200 MB.
ns_build_root() {
        local tar
        tar=$(ns_tar)
        [ -s "$tar" ] && return 0
        mkdir -p "$NS_CACHE"
        # The host's own apt sources, as they are: nothing else is reachable.
        local f
        for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
                [ -f "$f" ] && cat "$f"
        done |
                mmdebstrap --quiet --variant=minbase --include="$NS_PACKAGES" bookworm "${tar%.tar}.partial.tar" - \
                >"$NS_CACHE/mmdebstrap.log" 2>&1 || { tail -n 20 "$NS_CACHE/mmdebstrap.log" >&2; return 1; }
        mv "${tar%.tar}.partial.tar" "$tar"
}

# paddock built for the container's paths and installed into a DESTDIR,
# once per build tree; make is incremental on later runs.
ns_install_tree() {
        local b="$PADDOCK_BUILDDIR/_system"
        mkdir -p "$b/build"
        if [ ! -f "$b/build/Makefile" ]; then
                (cd "$b/build" && "$top_srcdir/configure" -q --prefix=/usr --sysconfdir=/etc --localstatedir=/var) \
                        >"$b/configure.log" 2>&1 || { tail -n 20 "$b/configure.log" >&2; return 1; }
        fi
        rm -rf "$b/destdir"
        make -C "$b/build" -s -j"$(nproc)" install DESTDIR="$b/destdir" >"$b/install.log" 2>&1 ||
                { tail -n 20 "$b/install.log" >&2; return 1; }
        echo "$b/destdir"
}

ns_nspawn_pid() { cat "$NS_WORK/$1.pid" 2>/dev/null; }

ns_init_pid() {
        local c
        for c in $(pgrep -P "$(ns_nspawn_pid "$1")" 2>/dev/null); do
                [ "$(cat "/proc/$c/comm" 2>/dev/null)" = systemd ] && { echo "$c"; return 0; }
        done
        return 1
}

ns() {
        local n=$1
        shift
        nsenter -t "$(ns_init_pid "$n")" -m -u -i -n -p -C -- "$@"
}

# ns_boot NAME: 0 when the container runs systemd and reached "running".
ns_boot() {
        local n=$1 dir="$NS_WORK/$1" destdir i h st
        ns_build_root || return 1
        destdir=$(ns_install_tree) || return 1
        rm -rf "$dir"
        mkdir -p "$dir"
        tar -C "$dir" -xpf "$(ns_tar)" --numeric-owner
        # Merged /usr: the root's /lib is a symlink that must stay one.
        tar -C "$destdir" -c . | tar -C "$dir" -x --keep-directory-symlink
        # Audit is not namespaced: auditd cannot run in a container.
        ln -sf /dev/null "$dir/etc/systemd/system/auditd.service"
        NS_ROOT=$dir

        mkdir -p /run/systemd/nspawn
        mountpoint -q /run/systemd/nspawn || mount -t tmpfs -o mode=0755 tmpfs /run/systemd/nspawn
        for h in systemd unified; do
                [ -d "/sys/fs/cgroup/$h" ] && mkdir -p "/sys/fs/cgroup/$h/paddock-test/$n"
        done
        # shellcheck disable=SC2016
        setsid bash -c 'for h in systemd unified; do
                                [ -d /sys/fs/cgroup/$h/paddock-test/$0 ] && echo $$ > /sys/fs/cgroup/$h/paddock-test/$0/cgroup.procs
                        done
                        exec systemd-nspawn --boot --register=no --keep-unit --private-network \
                                --console=read-only ${NS_NSPAWN_EXTRA:-} -M "$0" -D "$1"' "$n" "$dir" \
                >"$NS_WORK/$n.log" 2>&1 </dev/null &
        echo $! >"$NS_WORK/$n.pid"

        for i in $(seq 200); do
                ns_init_pid "$n" >/dev/null 2>&1 && ns "$n" systemctl is-system-running >/dev/null 2>&1 && break
                kill -0 "$(ns_nspawn_pid "$n")" 2>/dev/null || { tail -n 20 "$NS_WORK/$n.log" >&2; return 1; }
                sleep 0.1
        done
        st=$(ns "$n" timeout 90 systemctl is-system-running --wait 2>/dev/null || true)
        if [ "$st" != running ]; then
                echo "container $n: $st" >&2
                ns "$n" systemctl --failed --no-legend >&2 2>/dev/null || true
                return 1
        fi
        return 0
}

ns_stop() {
        local n=$1 np h
        np=$(ns_nspawn_pid "$n")
        if [ -n "$np" ] && kill -0 "$np" 2>/dev/null; then
                kill -RTMIN+4 "$(ns_init_pid "$n")" 2>/dev/null || kill -TERM "$np"
                for _ in $(seq 300); do kill -0 "$np" 2>/dev/null || break; sleep 0.1; done
                kill -0 "$np" 2>/dev/null && { kill -KILL "$np"; sleep 0.5; }
        fi
        for h in systemd unified; do
                [ -d "/sys/fs/cgroup/$h/paddock-test/$n" ] &&
                        find "/sys/fs/cgroup/$h/paddock-test/$n" -depth -type d -exec rmdir {} + 2>/dev/null
        done
        rm -rf "${NS_WORK:?}/$n" "$NS_WORK/$n.pid"
        return 0
}

# Skip (77) unless this host can boot a container.
ns_require() {
        require_root
        require_cmd systemd-nspawn mmdebstrap nsenter
        [ "${PADDOCK_SKIP_SYSTEM:-0}" = 1 ] && skip_all "PADDOCK_SKIP_SYSTEM=1"
        mkdir -p "$NS_WORK"
}
