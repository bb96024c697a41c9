# Start a real auditd for a test if none runs (no systemd needed), and stop
# it again afterwards only if this test started it.
audit_started_here=0

audit_start() {
        auditctl -s >/dev/null 2>&1 || return 1
        if ! pgrep -x auditd >/dev/null; then
                mkdir -p /var/log/audit
                auditd || return 1
                audit_started_here=1
                local i
                for i in $(seq 50); do
                        auditctl -s 2>/dev/null | grep -q '^pid [1-9]' && break
                        sleep 0.1
                done
        fi
        auditctl -s | grep -q '^enabled [12]' || return 1
        return 0
}

audit_stop() {
        if [ "$audit_started_here" = 1 ]; then
                pkill -x auditd || true
                local i
                for i in $(seq 50); do pgrep -x auditd >/dev/null || break; sleep 0.1; done
        fi
}
