#!/usr/bin/env bash
# qat-host-prep: the host steps Kubernetes can take for Intel QAT, run in the host's namespaces
# by the qat-host-prep DaemonSet (cdk8s-accelerated-tls). Each step is switched by a variable:
#   QAT_PREP_LOAD_VFIO_PCI=true   load vfio_pci now and at every boot (/etc/modules-load.d)
#   QAT_PREP_VFIO_OWNER=<uid>     VFIO group nodes /dev/vfio/<group> owned by <uid>, now and when
#                                 re-created (udev rule); empty skips the step
#   QAT_PREP_RUNTIME=<unit>       containerd or crio: systemd drop-in raising LimitMEMLOCK to
#   QAT_PREP_MEMLOCK=<bytes>      <bytes>, runtime restarted only when the drop-in changed; empty skips
# Idempotent: a file is written only when its content differs, and nothing else is touched.
# ROOT prefixes every path (empty on a node; a fake root directory in tests).
set -euo pipefail
umask 022

ROOT="${ROOT:-}"
LOAD_VFIO_PCI="${QAT_PREP_LOAD_VFIO_PCI:-false}"
VFIO_OWNER="${QAT_PREP_VFIO_OWNER:-}"
RUNTIME="${QAT_PREP_RUNTIME:-}"
MEMLOCK="${QAT_PREP_MEMLOCK:-134217728}"

MODULES_FILE=/etc/modules-load.d/qat-vfio-pci.conf
UDEV_FILE=/etc/udev/rules.d/99-qat-vfio-owner.rules
HEADER='# Written by qat-host-prep (cdk8s-accelerated-tls).'

log() { printf 'qat-host-prep: %s\n' "$*"; }
fail() { log "error: $*" >&2; exit 1; }

# write_file PATH CONTENT: writes PATH (below ROOT) atomically when its content differs.
# Succeeds when it wrote, fails when the file was already up to date.
write_file() {
  local path="$ROOT$1" content="$2"
  if [[ -f "$path" ]] && cmp -s "$path" <(printf '%s\n' "$content"); then
    log "up to date: $1"
    return 1
  fi
  mkdir -p "$(dirname "$path")"
  printf '%s\n' "$content" >"$path.qat-host-prep.tmp"
  mv -f "$path.qat-host-prep.tmp" "$path"
  log "wrote $1"
}

[[ "$LOAD_VFIO_PCI" == true || "$LOAD_VFIO_PCI" == false ]] || fail "QAT_PREP_LOAD_VFIO_PCI must be true or false, not '$LOAD_VFIO_PCI'"
[[ -z "$VFIO_OWNER" || "$VFIO_OWNER" =~ ^[0-9]+$ ]] || fail "QAT_PREP_VFIO_OWNER must be a numeric uid, not '$VFIO_OWNER'"
[[ -z "$RUNTIME" || "$RUNTIME" == containerd || "$RUNTIME" == crio ]] || fail "QAT_PREP_RUNTIME must be containerd or crio, not '$RUNTIME'"
[[ "$MEMLOCK" =~ ^([0-9]+|infinity)$ ]] || fail "QAT_PREP_MEMLOCK must be a number of bytes or infinity, not '$MEMLOCK'"
# Checked before any step, so a misconfigured node is left untouched.
unit="$RUNTIME.service"
if [[ -n "$RUNTIME" ]] && ! systemctl cat "$unit" >/dev/null 2>&1; then
  fail "$unit is not a systemd unit on this node; switch the memlock step off and raise the limit by hand"
fi

# Step 1: vfio-pci, which the QAT init container binds the VFs to (built-in modules also
# appear under /sys/module).
if [[ "$LOAD_VFIO_PCI" == true ]]; then
  if [[ -d "$ROOT/sys/module/vfio_pci" ]]; then
    log "vfio_pci is loaded"
  else
    modprobe vfio_pci
    log "loaded vfio_pci"
  fi
  write_file "$MODULES_FILE" "$HEADER
vfio_pci" || true
fi

# Step 2: the VFIO group nodes for Envoy's non-root user. Container runtimes copy the host
# node's owner and mode into the container, so the owner is what Envoy sees. /dev/vfio/vfio
# is world-usable already and /dev/vfio/devices is iommufd's directory: both are left alone.
if [[ -n "$VFIO_OWNER" ]]; then
  if write_file "$UDEV_FILE" "$HEADER
SUBSYSTEM==\"vfio\", OWNER=\"$VFIO_OWNER\""; then
    udevadm control --reload
    log "reloaded udev rules"
  fi
  for node in "$ROOT"/dev/vfio/*; do
    [[ -e "$node" && ! -d "$node" && "${node##*/}" != vfio ]] || continue
    if [[ "$(stat -c %u "$node")" != "$VFIO_OWNER" ]]; then
      chown "$VFIO_OWNER" "$node"
      log "owner of ${node#"$ROOT"} set to $VFIO_OWNER"
    fi
  done
fi

# Step 3: the runtime's memlock limit, inherited by every container it starts (qatlib pins
# DMA memory). Restarting the runtime keeps running containers; it happens only on a change.
if [[ -n "$RUNTIME" ]]; then
  if write_file "/etc/systemd/system/$unit.d/99-qat-memlock.conf" "$HEADER
[Service]
LimitMEMLOCK=$MEMLOCK"; then
    systemctl daemon-reload
    systemctl restart "$unit"
    log "restarted $unit"
  fi
fi

log "done"
