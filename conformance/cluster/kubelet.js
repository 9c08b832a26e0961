// Running a container of a pod kwok only pretends to run, as the kubelet would run it: its command
// and args with $(VAR) expansion, its env (values, fieldRefs, Secret and ConfigMap keys), its
// volumes written out as files (Secret, ConfigMap, emptyDir, the projected service-account token)
// at their mount paths, as the user its securityContext names and with no capabilities, in the
// pod's own network namespace (podnet.js). The image is not pulled: the check names, per image,
// the local binaries that stand for it (`tools`, put first on PATH).
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const CONTAINER_SH = path.join(__dirname, 'container.sh');
const NSENTER = execFileSync('sh', ['-c', 'command -v nsenter'], { encoding: 'utf8' }).trim();
const TOOLS_DIR = '/atls/bin';
const PATH_VAR = `${TOOLS_DIR}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`;

/** The value of a downward-API fieldRef of `pod`. */
function fieldRef(pod, fieldPath) {
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (m) return pod.metadata[m[1]]?.[m[2]] ?? '';
  const fields = {
    'metadata.name': pod.metadata.name,
    'metadata.namespace': pod.metadata.namespace,
    'metadata.uid': pod.metadata.uid,
    'spec.nodeName': pod.spec.nodeName,
    'spec.serviceAccountName': pod.spec.serviceAccountName,
    'status.hostIP': pod.status?.hostIP,
    'status.podIP': pod.status?.podIP,
  };
  if (!(fieldPath in fields)) throw new Error(`pod ${pod.metadata.name}: fieldRef ${fieldPath} is not supported by the check`);
  return fields[fieldPath] ?? '';
}

/** The kubelet's $(VAR) expansion: `$$` is a literal `$`, a reference to an unknown name stays as written. */
function expand(s, vars) {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name) => {
    if (m === '$$') return '$';
    return Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : m;
  });
}

const decode = (b64) => Buffer.from(b64, 'base64');
/** Data of a Secret (bytes) or ConfigMap (strings and binary data), by key. */
function dataOf(cp, kind, namespace, name) {
  const o = cp.getJson([kind, name, '-n', namespace]);
  if (kind === 'secret') return Object.fromEntries(Object.entries(o.data ?? {}).map(([k, v]) => [k, decode(v)]));
  return { ...Object.fromEntries(Object.entries(o.data ?? {}).map(([k, v]) => [k, Buffer.from(v)])),
    ...Object.fromEntries(Object.entries(o.binaryData ?? {}).map(([k, v]) => [k, decode(v)])) };
}

/** The container's environment, in order (a value may refer to the variables before it). */
function containerEnv(cp, pod, container) {
  const vars = { HOSTNAME: pod.metadata.name };
  const kube = cp.getJson(['service', 'kubernetes', '-n', 'default']);
  Object.assign(vars, { KUBERNETES_SERVICE_HOST: kube.spec.clusterIP, KUBERNETES_SERVICE_PORT: String(kube.spec.ports[0].port) });
  for (const e of container.env ?? []) {
    const from = e.valueFrom;
    if (!from) vars[e.name] = expand(e.value ?? '', vars);
    else if (from.fieldRef) vars[e.name] = fieldRef(pod, from.fieldRef.fieldPath);
    else if (from.secretKeyRef) vars[e.name] = dataOf(cp, 'secret', pod.metadata.namespace, from.secretKeyRef.name)[from.secretKeyRef.key]?.toString() ?? '';
    else if (from.configMapKeyRef) vars[e.name] = dataOf(cp, 'configmap', pod.metadata.namespace, from.configMapKeyRef.name)[from.configMapKeyRef.key]?.toString() ?? '';
    else throw new Error(`pod ${pod.metadata.name}: env ${e.name} uses a source the check does not support (${Object.keys(from)})`);
  }
  return vars;
}

/** Writes `files` ({ key: bytes }) into `dir` as the volume's `items` (or every key) say. */
function writeFiles(dir, files, items, mode) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  const pick = items ?? Object.keys(files).map((key) => ({ key, path: key }));
  for (const it of pick) {
    if (!(it.key in files)) throw new Error(`volume key ${it.key} is missing`);
    const file = path.join(dir, it.path);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
    fs.writeFileSync(file, files[it.key], { mode: it.mode ?? mode ?? 0o644 });
  }
}

/** Each volume of `pod` materialized below `dir` (once per pod: containers share emptyDirs): name -> directory. */
function podVolumes(cp, pod, dir) {
  const ns = pod.metadata.namespace;
  const out = {};
  for (const v of pod.spec.volumes ?? []) {
    const d = path.join(dir, 'volumes', v.name);
    if (v.secret) writeFiles(d, dataOf(cp, 'secret', ns, v.secret.secretName), v.secret.items, v.secret.defaultMode);
    else if (v.configMap) writeFiles(d, dataOf(cp, 'configmap', ns, v.configMap.name), v.configMap.items, v.configMap.defaultMode);
    else if (v.emptyDir) { fs.mkdirSync(d, { recursive: true }); fs.chmodSync(d, 0o777); }
    else if (v.projected) {
      for (const s of v.projected.sources) {
        if (s.serviceAccountToken) {
          const token = cp.kubectl(['create', 'token', pod.spec.serviceAccountName ?? 'default', '-n', ns, `--duration=${s.serviceAccountToken.expirationSeconds ?? 3607}s`]).trim();
          writeFiles(d, { token: Buffer.from(token) }, [{ key: 'token', path: s.serviceAccountToken.path }], v.projected.defaultMode);
        } else if (s.configMap) writeFiles(d, dataOf(cp, 'configmap', ns, s.configMap.name), s.configMap.items, v.projected.defaultMode);
        else if (s.downwardAPI) {
          for (const it of s.downwardAPI.items) writeFiles(d, { v: Buffer.from(fieldRef(pod, it.fieldRef.fieldPath)) }, [{ key: 'v', path: it.path }], v.projected.defaultMode);
        } else throw new Error(`pod ${pod.metadata.name}: projected source ${Object.keys(s)} is not supported by the check`);
      }
    } else throw new Error(`pod ${pod.metadata.name}: volume ${v.name} (${Object.keys(v).filter((k) => k !== 'name')}) is not supported by the check`);
    out[v.name] = d;
  }
  return out;
}

/**
 * What the kubelet would run for container `name` of `pod`: argv, env, mounts and user. `volumes`
 * is podVolumes()'s result; `image` names the binaries standing for the container's image.
 */
function containerPlan(cp, pod, name, volumes) {
  const c = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find((x) => x.name === name);
  if (!c) throw new Error(`pod ${pod.metadata.name} has no container ${name}`);
  const env = containerEnv(cp, pod, c);
  const argv = [...(c.command ?? []), ...(c.args ?? [])].map((a) => expand(a, env));
  if (!c.command) throw new Error(`pod ${pod.metadata.name} container ${name}: no command (the image's entrypoint is unknown to the check)`);
  const mounts = (c.volumeMounts ?? []).map((m) => {
    if (!volumes[m.name]) throw new Error(`pod ${pod.metadata.name} container ${name}: mount of unknown volume ${m.name}`);
    return { src: m.subPath ? path.join(volumes[m.name], m.subPath) : volumes[m.name], dst: m.mountPath, ro: !!m.readOnly };
  });
  const sc = { ...(pod.spec.securityContext ?? {}), ...(c.securityContext ?? {}) };
  return {
    pod: pod.metadata.name, container: name, image: c.image, argv, env: { PATH: PATH_VAR, ...env }, mounts,
    uid: sc.runAsUser ?? 0, gid: sc.runAsGroup ?? sc.runAsUser ?? 0, workdir: c.workingDir ?? '/', resources: c.resources,
  };
}

/** The /etc/hosts of a pod, as the kubelet writes it, plus `extra` ([ip, name...]) the check resolves for it. */
function hostsFile(pod, extra = []) {
  return [
    '127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback',
    ...(pod.status?.podIP ? [`${pod.status.podIP}\t${pod.metadata.name}`] : []),
    ...extra.map(([ip, ...names]) => `${ip}\t${names.join(' ')}`),
  ].join('\n') + '\n';
}

/**
 * Starts `plan` (containerPlan()) in network namespace `netns`, logging to the cluster's logs as
 * `logName`. `tools` maps names on the container's PATH to local binaries (the image's programs);
 * `binds` adds [src, dst] bind mounts (read-only) the image would provide; `prefix` runs the
 * command under e.g. `taskset`; `cgroups` are cgroup.procs files the container joins. Returns the process (stopped with the cluster, by its group).
 */
function startContainer(cp, plan, { netns, dir, logName, hosts, tools = {}, binds = [], prefix = [], cgroups = [] }) {
  fs.mkdirSync(dir, { recursive: true });
  const root = path.join(dir, 'root');
  fs.mkdirSync(root, { recursive: true });
  const hostsPath = path.join(dir, 'hosts');
  fs.writeFileSync(hostsPath, hosts, { mode: 0o644 });
  const resolv = path.join(dir, 'resolv.conf');
  fs.writeFileSync(resolv, 'nameserver 127.0.0.1\noptions ndots:1\n', { mode: 0o644 });
  const lines = [
    ...cgroups.map((procs) => ['cgroup', procs]),
    ...Object.entries(tools).map(([n, src]) => ['bind', src, `${TOOLS_DIR}/${n}`, 'ro']),
    ...binds.map(([src, dst]) => ['bind', src, dst, 'ro']),
    ['bind', hostsPath, '/etc/hosts', 'ro'], ['bind', resolv, '/etc/resolv.conf', 'ro'],
    ...plan.mounts.map((m) => ['bind', m.src, m.dst, m.ro ? 'ro' : 'rw']),
  ];
  const mountsFile = path.join(dir, 'mounts');
  fs.writeFileSync(mountsFile, lines.map((l) => l.join('\t')).join('\n') + '\n');
  const env = Object.entries(plan.env).map(([k, v]) => `${k}=${v}`);
  // The container's stdout and stderr are its own: it may reopen them (Envoy's access log is /dev/stdout).
  const log = path.join(cp.logs, `${logName}.log`);
  fs.appendFileSync(log, '');
  fs.chownSync(log, plan.uid, plan.gid);
  // nsenter, not `ip netns exec`: that remounts /sys, hiding the cgroup hierarchy from the container.
  return cp.spawn(logName, NSENTER, [`--net=/run/netns/${netns}`, 'unshare', '--mount', '--propagation', 'private',
    'bash', CONTAINER_SH, root, mountsFile, String(plan.uid), String(plan.gid), plan.workdir, '--', '-i', ...env, ...prefix, ...plan.argv]);
}

module.exports = { fieldRef, expand, containerEnv, podVolumes, containerPlan, hostsFile, startContainer };
