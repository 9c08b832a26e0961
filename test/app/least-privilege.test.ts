// Least privilege, visibly: every privileged container, host namespace, host path, added
// capability and root user in the example's output is listed here with its reason. The list is
// exact: a grant that is not listed fails, and so does a listed grant that no longer exists.
import { Testing } from 'cdk8s';
import { defineEdge } from '../../examples/edge';
import { PSA_ENFORCE, PSA_REASON } from '../../src/core/pod-security';
import { synthApp } from '../util';

const QAT_PLUGIN = 'DaemonSet inteldeviceplugins-system/intel-qat-plugin';
const HOST_PREP = 'DaemonSet inteldeviceplugins-system/qat-host-prep';
const NFD_WORKER = 'DaemonSet node-feature-discovery/nfd-worker';
const NFD_UPSTREAM = 'upstream nfd-worker (default overlay) mounts it read-only';

/** Every grant in the example, and why. Keep it exact. */
const ALLOWED: Record<string, string> = {
  [`${QAT_PLUGIN}: initContainer intel-qat-initcontainer: privileged`]:
    'upstream\'s qat_initcontainer overlay runs privileged: it enables the SR-IOV VFs and their services config through sysfs',
  [`${QAT_PLUGIN}: hostPath /sys`]: 'the init container\'s sysfs writes (upstream\'s initcontainer overlay mounts it)',
  [`${QAT_PLUGIN}: hostPath /dev/vfio`]: 'upstream: the plugin finds the VFIO groups it allocates (read-only)',
  [`${QAT_PLUGIN}: hostPath /sys/kernel/debug`]: 'upstream: the plugin reads each PF\'s dev_cfg and heartbeat from debugfs (read-only)',
  [`${QAT_PLUGIN}: hostPath /sys/bus/pci`]: 'upstream: the plugin unbinds VFs and binds them to vfio-pci (read-write)',
  [`${QAT_PLUGIN}: hostPath /var/lib/kubelet/device-plugins`]: 'upstream: the kubelet\'s device plugin registration socket',
  [`${HOST_PREP}: hostPID`]: 'host preparation enters PID 1\'s namespaces (nsenter) to run the host\'s modprobe, udev and systemd',
  [`${HOST_PREP}: container qat-host-prep: privileged`]:
    'host preparation loads vfio_pci, installs a udev rule for /dev/vfio and raises the runtime\'s memlock limit (restarting it): no upstream equivalent, opt-out',
  [`${NFD_WORKER}: hostPath /boot`]: `${NFD_UPSTREAM} (kernel config)`,
  [`${NFD_WORKER}: hostPath /etc/os-release`]: `${NFD_UPSTREAM} (OS release)`,
  [`${NFD_WORKER}: hostPath /sys`]: `${NFD_UPSTREAM} (CPU, PCI and kernel features)`,
  [`${NFD_WORKER}: hostPath /proc/swaps`]: `${NFD_UPSTREAM} (swap)`,
  [`${NFD_WORKER}: hostPath /usr/lib`]: `${NFD_UPSTREAM} (loaded kernel modules)`,
  [`${NFD_WORKER}: hostPath /lib`]: `${NFD_UPSTREAM} (loaded kernel modules)`,
  [`${NFD_WORKER}: hostPath /etc/kubernetes/node-feature-discovery/features.d/`]: `${NFD_UPSTREAM} (local feature files)`,
};

function example(): any[] {
  const app = Testing.app();
  defineEdge(app);
  return synthApp(app);
}

/** Pod specs of the workloads, keyed `Kind namespace/name`. */
function podSpecs(objects: any[]): Array<[string, any]> {
  const out: Array<[string, any]> = [];
  for (const o of objects) {
    const id = `${o.kind} ${o.metadata.namespace ?? 'default'}/${o.metadata.name}`;
    if (['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'Job'].includes(o.kind)) out.push([id, o.spec.template.spec]);
    else if (o.kind === 'CronJob') out.push([id, o.spec.jobTemplate.spec.template.spec]);
    else if (o.kind === 'Pod') out.push([id, o.spec]);
  }
  return out;
}

function grants(id: string, pod: any): string[] {
  const out: string[] = [];
  for (const f of ['hostPID', 'hostNetwork', 'hostIPC']) if (pod[f]) out.push(`${id}: ${f}`);
  if (pod.securityContext?.runAsUser === 0) out.push(`${id}: pod runAsUser 0`);
  const containers = [
    ...(pod.initContainers ?? []).map((c: any) => ['initContainer', c]),
    ...pod.containers.map((c: any) => ['container', c]),
    ...(pod.ephemeralContainers ?? []).map((c: any) => ['ephemeralContainer', c]),
  ];
  for (const [role, c] of containers) {
    const sc = c.securityContext ?? {};
    const at = `${id}: ${role} ${c.name}`;
    if (sc.privileged) out.push(`${at}: privileged`);
    if (sc.runAsUser === 0) out.push(`${at}: runAsUser 0`);
    for (const cap of sc.capabilities?.add ?? []) out.push(`${at}: capability ${cap}`);
    for (const p of c.ports ?? []) if (p.hostPort) out.push(`${at}: hostPort ${p.hostPort}`);
  }
  for (const v of pod.volumes ?? []) if (v.hostPath) out.push(`${id}: hostPath ${v.hostPath.path}`);
  return out;
}

test('every privileged container, host namespace, host path, capability and root user is allow-listed with a reason, exactly', () => {
  const found = podSpecs(example()).flatMap(([id, pod]) => grants(id, pod));
  const unexplained = found.filter((g) => !(g in ALLOWED));
  const stale = Object.keys(ALLOWED).filter((g) => !found.includes(g));
  expect({ unexplained, stale }).toEqual({ unexplained: [], stale: [] });
  for (const reason of Object.values(ALLOWED)) expect(reason.length).toBeGreaterThan(10);
});

test('Envoy keeps Envoy Gateway\'s hardened non-root defaults: no security context, no patches, no IPC_LOCK', () => {
  const objects = example();
  const proxies = objects.filter((o) => o.kind === 'EnvoyProxy');
  expect(proxies).toHaveLength(4);
  for (const p of proxies) {
    const k = p.spec.provider.kubernetes;
    // None is needed: Envoy Gateway's default (non-root, no privilege escalation, all capabilities
    // dropped) applies, and since v1.9.1 one would be merged over it; memlock comes from the host's limit.
    expect(k.envoyDeployment.container.securityContext).toBeUndefined();
    expect(k.envoyDeployment.pod?.securityContext).toBeUndefined();
    expect(k.envoyDeployment.patch).toBeUndefined();
    expect(k.envoyDaemonSet).toBeUndefined();
  }
  expect(JSON.stringify(objects)).not.toContain('IPC_LOCK');
});

test('every namespace we create enforces a Pod Security level, with a reason when it is not restricted, and needs it', () => {
  const objects = example();
  const namespaces = objects.filter((o) => o.kind === 'Namespace');
  expect(namespaces.map((n) => n.metadata.name)).toEqual(expect.arrayContaining(['inteldeviceplugins-system', 'node-feature-discovery']));
  const granted = new Set(podSpecs(objects).filter(([id, pod]) => grants(id, pod).length > 0).map(([id]) => id.split(' ')[1].split('/')[0]));
  for (const ns of namespaces) {
    const level = ns.metadata.labels?.[PSA_ENFORCE];
    expect([ns.metadata.name, level]).toEqual([ns.metadata.name, expect.stringMatching(/^(privileged|baseline|restricted)$/)]);
    if (level !== 'restricted') expect(ns.metadata.annotations?.[PSA_REASON]).toMatch(/\w{3,}.*\w{3,}/);
    // privileged only where something needs it; restricted namespaces hold no grants.
    expect([ns.metadata.name, level === 'privileged']).toEqual([ns.metadata.name, granted.has(ns.metadata.name)]);
  }
});
