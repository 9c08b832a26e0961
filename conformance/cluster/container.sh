#!/usr/bin/env bash
# Runs one container of a pod as the kubelet would, inside the pod's network namespace and a mount
# namespace of its own (the caller enters both; see kubelet.js): with a root of the host's /usr and
# /etc (read-only) in place of the image, the pod's volumes at their mount paths, a private
# /etc/hosts, /tmp and /dev/shm, and as the container's user with no capabilities.
# Usage: container.sh <root dir> <mounts file> <uid> <gid> <workdir> -- <command...>
# The mounts file has one mount a line, tab-separated: `bind <src> <dst> ro|rw` or `tmpfs <dst>`;
# a line `cgroup <cgroup.procs file>` moves the container into that cgroup first.
set -euo pipefail
root=$1 mounts=$2 uid=$3 gid=$4 workdir=$5
shift 5
[ "$1" = -- ] && shift
# Nothing mounted here reaches the caller's namespace (unshare --propagation private made sure).
mount -t tmpfs -o mode=0755 atls-root "$root"
for d in usr etc; do
  mkdir -p "$root/$d"
  mount --rbind "/$d" "$root/$d"
  mount -o remount,bind,ro "$root/$d"
done
# The merged-/usr links (bin -> usr/bin, ...), or the directories where a host has them.
for d in bin sbin lib lib64; do
  if [ -L "/$d" ]; then ln -s "$(readlink "/$d")" "$root/$d"
  elif [ -d "/$d" ]; then mkdir -p "$root/$d" && mount --rbind "/$d" "$root/$d"
  fi
done
mkdir -p "$root/proc" "$root/dev" "$root/sys" "$root/tmp"
mount --rbind /proc "$root/proc"
mount --rbind /dev "$root/dev"
mount --rbind /sys "$root/sys"
mount -t tmpfs -o mode=1777 atls-tmp "$root/tmp"
mount -t tmpfs -o mode=1777 atls-shm "$root/dev/shm"
while IFS=$'\t' read -r kind a b c; do
  case "$kind" in
    bind)
      if [ -d "$a" ]; then mkdir -p "$root$b"
      elif [ ! -e "$root$b" ]; then mkdir -p "$(dirname "$root$b")" && touch "$root$b"
      fi
      mount --bind "$a" "$root$b"
      if [ "$c" = ro ]; then mount -o remount,bind,ro "$root$b"; fi
      ;;
    tmpfs) mkdir -p "$root$a" && mount -t tmpfs -o mode=0755 atls-vol "$root$a" ;;
    cgroup) echo "$$" > "$a" ;;
    *) echo "container.sh: unknown mount kind '$kind' in $mounts" >&2; exit 2 ;;
  esac
done < "$mounts"
# The user the pod's securityContext names, no capabilities (none kept, none inheritable, an empty
# bounding set) and no privilege gain through setuid binaries.
exec chroot "$root" /usr/bin/setpriv --reuid="$uid" --regid="$gid" --clear-groups \
  --inh-caps=-all --bounding-set=-all --no-new-privs \
  /usr/bin/env --chdir="$workdir" "$@"
