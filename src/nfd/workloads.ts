import { k8s } from 'cdk8s-plus-28';

/** @internal the path both nfd-master and nfd-worker read their config from. */
export const NFD_CONFIG_DIR = '/etc/kubernetes/node-feature-discovery';

interface ContainerSpec {
  readonly name: string;
  readonly image: string;
  readonly requests: { cpu: string; memory: string };
  readonly memoryLimit: string;
  readonly liveness: { initialDelaySeconds?: number; periodSeconds?: number };
  readonly readiness: { initialDelaySeconds?: number; periodSeconds?: number; failureThreshold?: number };
  readonly volumeMounts?: k8s.VolumeMount[];
}

const fieldEnv = (name: string, fieldPath: string): k8s.EnvVar => ({ name, valueFrom: { fieldRef: { fieldPath } } });

/**
 * @internal one NFD container as upstream's v0.19.0 base declares it, plus `GOMEMLIMIT` (which
 * the default overlay's env patch drops) and a RuntimeDefault seccomp profile.
 */
export function nfdContainer(c: ContainerSpec): k8s.Container {
  const probe = (extra: object): k8s.Probe => ({ httpGet: { path: '/healthz', port: k8s.IntOrString.fromString('http') }, ...extra });
  return {
    name: c.name,
    command: [c.name],
    image: c.image,
    imagePullPolicy: 'IfNotPresent',
    env: [
      fieldEnv('NODE_NAME', 'spec.nodeName'),
      fieldEnv('POD_NAME', 'metadata.name'),
      fieldEnv('POD_UID', 'metadata.uid'),
      // The Go runtime collects garbage before the memory limit instead of being OOM-killed.
      { name: 'GOMEMLIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } },
    ],
    livenessProbe: probe(c.liveness),
    readinessProbe: probe(c.readiness),
    ports: [{ containerPort: 8080, name: 'http' }],
    resources: {
      limits: { memory: k8s.Quantity.fromString(c.memoryLimit) },
      requests: { cpu: k8s.Quantity.fromString(c.requests.cpu), memory: k8s.Quantity.fromString(c.requests.memory) },
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    ...(c.volumeMounts ? { volumeMounts: c.volumeMounts } : {}),
  };
}

/** Host paths nfd-worker reads (read-only), as upstream mounts them: [volume, host path, container path]. */
const WORKER_HOST_PATHS: Array<[string, string, string]> = [
  ['host-boot', '/boot', '/host-boot'],
  ['host-os-release', '/etc/os-release', '/host-etc/os-release'],
  ['host-sys', '/sys', '/host-sys'],
  ['host-proc-swaps', '/proc/swaps', '/host-proc/swaps'],
  ['host-usr-lib', '/usr/lib', '/host-usr/lib'],
  ['host-lib', '/lib', '/host-lib'],
  ['features-d', `${NFD_CONFIG_DIR}/features.d/`, `${NFD_CONFIG_DIR}/features.d/`],
];
// Upstream lists the volumes in a different order than the mounts.
const WORKER_VOLUME_ORDER = ['host-boot', 'host-proc-swaps', 'host-os-release', 'host-sys', 'host-usr-lib', 'host-lib', 'features-d'];

/** @internal the nfd-worker pod's mounts and volumes. */
export function workerVolumes(configMapName: string): { mounts: k8s.VolumeMount[]; volumes: k8s.Volume[] } {
  const mounts: k8s.VolumeMount[] = [
    ...WORKER_HOST_PATHS.map(([name, , mountPath]) => ({ mountPath, name, readOnly: true })),
    { mountPath: NFD_CONFIG_DIR, name: 'nfd-worker-conf', readOnly: true },
  ];
  const volumes: k8s.Volume[] = [
    ...WORKER_VOLUME_ORDER.map((name) => ({ name, hostPath: { path: WORKER_HOST_PATHS.find((p) => p[0] === name)![1] } })),
    { name: 'nfd-worker-conf', configMap: { name: configMapName } },
  ];
  return { mounts, volumes };
}

/** @internal the RBAC rules of upstream's `deployment/base/rbac` and `gc`, verbatim. */
export const NFD_RBAC = {
  workerRole: [
    { apiGroups: ['nfd.k8s-sigs.io'], resources: ['nodefeatures'], verbs: ['create', 'get', 'update', 'delete'] },
    { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
  ],
  gcClusterRole: [
    { apiGroups: [''], resources: ['nodes'], verbs: ['list', 'watch'] },
    { apiGroups: ['topology.node.k8s.io'], resources: ['noderesourcetopologies'], verbs: ['delete', 'list'] },
    { apiGroups: ['nfd.k8s-sigs.io'], resources: ['nodefeatures'], verbs: ['delete', 'list'] },
  ],
  masterClusterRole: [
    { apiGroups: [''], resources: ['namespaces'], verbs: ['watch', 'list'] },
    { apiGroups: [''], resources: ['nodes', 'nodes/status'], verbs: ['get', 'patch', 'update', 'list'] },
    { apiGroups: ['nfd.k8s-sigs.io'], resources: ['nodefeatures', 'nodefeaturerules', 'nodefeaturegroups'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['nfd.k8s-sigs.io'], resources: ['nodefeaturegroups/status'], verbs: ['patch', 'update'] },
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
    { apiGroups: ['coordination.k8s.io'], resourceNames: ['nfd-master.nfd.kubernetes.io'], resources: ['leases'], verbs: ['get', 'update'] },
  ],
};
