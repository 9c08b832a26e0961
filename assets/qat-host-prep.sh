#!/usr/bin/env bash
# qat-host-prep: the host steps Kubernetes can take for Intel QAT, run in the host's namespaces
# by the qat-host-prep DaemonSet (cdk8s-accelerated-tls). Each step is switched by a variable:
#   QAT_PREP_LOAD_VFIO_PCI=true   load vfio_pci now and at every boot (/etc/modules-load.d)
#   QAT_PREP_VFIO_OWNER=<uid>     VFIO group nodes /dev/vfio/<group> owned by <uid>, now and when
#                                 re-created (udev rule); empty skips the step
#   QAT_PREP_RUNTIME=<unit>       containerd or crio, the runtime the next two steps configure
#   QAT_PREP_DEVICE_OWNERSHIP=true  runtime drop-in turning on device_ownership_from_security_context:
#                                 each container gets its devices owned by its runAsUser/runAsGroup
#   QAT_PREP_MEMLOCK=<bytes>      systemd drop-in raising the runtime's LimitMEMLOCK; empty skips
# The runtime is restarted once, only when one of its drop-ins changed.
# Idempotent: a file is written only when its content differs, and nothing else is touched.
# ROOT prefixes every path (empty on a node; a fake root directory in tests).
set -euo pipefail
umask 022

ROOT="${ROOT:-}"
LOAD_VFIO_PCI="${QAT_PREP_LOAD_VFIO_PCI:-false}"
VFIO_OWNER="${QAT_PREP_VFIO_OWNER:-}"
RUNTIME="${QAT_PREP_RUNTIME:-}"
DEVICE_OWNERSHIP="${QAT_PREP_DEVICE_OWNERSHIP:-false}"
MEMLOCK="${QAT_PREP_MEMLOCK-134217728}"

MODULES_FILE=/etc/modules-load.d/qat-vfio-pci.conf
UDEV_FILE=/etc/udev/rules.d/99-qat-vfio-owner.rules
CONTAINERD_CONFIG=/etc/containerd/config.toml
CONTAINERD_DROP_IN=/etc/containerd/conf.d/99-qat-device-ownership.toml
CRIO_DROP_IN=/etc/crio/crio.conf.d/99-qat-device-ownership.conf
HEADER='# Written by qat-host-prep (cdk8s-accelerated-tls).'

log() { printf 'qat-host-prep: %s\n' "$*"; }
fail() { log "error: $*" >&2; exit 1; }

# write_file PATH CONTENT: writes PATH (below ROOT) atomically when its content differs.
# Succeeds when it wrote, fails when the file was already up to date. Callers test its status,
# which switches set -e off inside it: a failed write exits here.
write_file() {
  local path="$ROOT$1" content="$2"
  if [[ -f "$path" ]] && cmp -s "$path" <(printf '%s\n' "$content"); then
    log "up to date: $1"
    return 1
  fi
  mkdir -p "$(dirname "$path")" || fail "cannot create the directory of $1"
  printf '%s\n' "$content" >"$path.qat-host-prep.tmp" || fail "cannot write $1"
  mv -f "$path.qat-host-prep.tmp" "$path" || fail "cannot write $1"
  log "wrote $1"
}

[[ "$LOAD_VFIO_PCI" == true || "$LOAD_VFIO_PCI" == false ]] || fail "QAT_PREP_LOAD_VFIO_PCI must be true or false, not '$LOAD_VFIO_PCI'"
[[ -z "$VFIO_OWNER" || "$VFIO_OWNER" =~ ^[0-9]+$ ]] || fail "QAT_PREP_VFIO_OWNER must be a numeric uid, not '$VFIO_OWNER'"
[[ -z "$RUNTIME" || "$RUNTIME" == containerd || "$RUNTIME" == crio ]] || fail "QAT_PREP_RUNTIME must be containerd or crio, not '$RUNTIME'"
[[ "$DEVICE_OWNERSHIP" == true || "$DEVICE_OWNERSHIP" == false ]] || fail "QAT_PREP_DEVICE_OWNERSHIP must be true or false, not '$DEVICE_OWNERSHIP'"
[[ "$MEMLOCK" =~ ^([0-9]+|infinity)?$ ]] || fail "QAT_PREP_MEMLOCK must be a number of bytes or infinity, not '$MEMLOCK'"
[[ "$DEVICE_OWNERSHIP" == false || -n "$RUNTIME" ]] || fail "QAT_PREP_DEVICE_OWNERSHIP=true needs QAT_PREP_RUNTIME"
# Checked before any step, so a misconfigured node is left untouched.
unit="$RUNTIME.service"
if [[ -n "$RUNTIME" ]] && ! systemctl cat "$unit" >/dev/null 2>&1; then
  fail "$unit is not a systemd unit on this node; switch the runtime steps off and configure the runtime by hand"
fi
# containerd reads a drop-in only through its main config's imports, in the main config's schema:
# version 2 names the CRI plugin io.containerd.grpc.v1.cri, version 3 (containerd 2)
# io.containerd.cri.v1.runtime. The main config is read, never written.
if [[ "$DEVICE_OWNERSHIP" == true && "$RUNTIME" == containerd ]]; then
  [[ -f "$ROOT$CONTAINERD_CONFIG" ]] || fail "$CONTAINERD_CONFIG does not exist: set device_ownership_from_security_context in containerd's config by hand"
  # TOML strings may be double- or single-quoted (containerd 2's `config default` writes the latter).
  grep -Eq "^[[:space:]]*imports[[:space:]]*=.*[\"']/etc/containerd/conf\\.d/\\*\\.toml[\"']" "$ROOT$CONTAINERD_CONFIG" ||
    fail "$CONTAINERD_CONFIG does not import /etc/containerd/conf.d/*.toml: add imports = [\"/etc/containerd/conf.d/*.toml\"] to it, or set device_ownership_from_security_context there by hand"
  # The top-level key (unindented, before the first table), not a `version` inside a table.
  config_version="$(sed -nE '/^\[/q; s/^version[[:space:]]*=[[:space:]]*([0-9]+).*/\1/p' "$ROOT$CONTAINERD_CONFIG" | head -n 1)"
  case "$config_version" in
    2) cri_plugin=io.containerd.grpc.v1.cri ;;
    3) cri_plugin=io.containerd.cri.v1.runtime ;;
    *) fail "$CONTAINERD_CONFIG has config version '${config_version:-1}'; 2 or 3 is needed for the drop-in" ;;
  esac
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

# Step 3: instead of step 2, the runtime gives each container its devices owned by the
# container's runAsUser/runAsGroup (Envoy Gateway's Envoy runs as 65532:65532): only the
# containers that were allocated a VF see it as theirs, and the host's nodes stay root's.
restart=false
if [[ "$DEVICE_OWNERSHIP" == true ]]; then
  if [[ "$RUNTIME" == containerd ]]; then
    write_file "$CONTAINERD_DROP_IN" "$HEADER
version = $config_version
[plugins.\"$cri_plugin\"]
  device_ownership_from_security_context = true" && restart=true
  else
    write_file "$CRIO_DROP_IN" "$HEADER
[crio.runtime]
device_ownership_from_security_context = true" && restart=true
  fi
fi

# Step 4: the runtime's memlock limit, inherited by every container it starts (qatlib pins
# DMA memory).
if [[ -n "$RUNTIME" && -n "$MEMLOCK" ]]; then
  if write_file "/etc/systemd/system/$unit.d/99-qat-memlock.conf" "$HEADER
[Service]
LimitMEMLOCK=$MEMLOCK"; then
    systemctl daemon-reload
    restart=true
  fi
fi

# Restarting the runtime keeps running containers; it happens only on a change.
if [[ "$restart" == true ]]; then
  systemctl restart "$unit"
  log "restarted $unit"
fi

log "done"
