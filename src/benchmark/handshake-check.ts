import { ApiObject, Duration, Size } from 'cdk8s';
import { Cpu, k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { HANDSHAKE_CHECK_ASSET, HANDSHAKE_CHECK_MODULES, readAsset } from '../core/assets';
import { equalResources, RESTRICTED_CONTAINER, restrictedPod } from '../core/pod-security';
import { ruleError } from '../core/rules';
import { checkCpu, checkImage, checkLabel, mebibytes } from '../core/validation';
import { Versions } from '../core/versions';
import { AcceleratedTlsGateway } from '../gateway/accelerated-tls-gateway';

/** Props of `HandshakeCheck`. */
export interface HandshakeCheckProps {
  /** Gateways to check: every listener of each, in order. */
  readonly gateways: AcceleratedTlsGateway[];
  /**
   * Namespace of the Job, its ServiceAccount and ConfigMap. The Job mounts the certificate (only
   * `tls.crt`) of every listener's Secret, and a pod mounts Secrets of its own namespace only.
   * @default the namespace of the listeners' certificate Secrets
   */
  readonly namespace?: string;
  /**
   * Name of the Job and of its ServiceAccount, ConfigMap, Roles and RoleBindings.
   * @default 'handshake-check'
   */
  readonly name?: string;
  /**
   * Time one TLS handshake (connect included) may take, whole seconds.
   * @default Duration.seconds(10)
   */
  readonly handshakeTimeout?: Duration;
  /**
   * How long the Job may run before Kubernetes fails it (`activeDeadlineSeconds`), whole seconds.
   * @default 120 s plus, per listener, the handshake timeout and 10 s for the stats
   */
  readonly activeDeadline?: Duration;
  /**
   * How long the finished Job is kept (`ttlSecondsAfterFinished`), whole seconds.
   * @default Duration.hours(1)
   */
  readonly ttlAfterFinished?: Duration;
  /**
   * Emit the Job as an Argo CD PostSync hook, recreated on each sync
   * (`argocd.argoproj.io/hook: PostSync`, `hook-delete-policy: BeforeHookCreation`).
   * @default true
   */
  readonly argoCdHook?: boolean;
  /**
   * Image running the script (Python 3 with its standard library).
   * @default Versions.BENCHMARK_SCRIPT_IMAGE
   */
  readonly image?: string;
  /**
   * CPU of the Job's pod (requests = limits).
   * @default Cpu.millis(100)
   */
  readonly cpu?: Cpu;
  /**
   * Memory of the Job's pod (requests = limits).
   * @default Size.mebibytes(64)
   */
  readonly memory?: Size;
}

const UID = 65532;
const STATS_SECONDS = 10;

/**
 * A short Job checking, after a deploy, that every listener of the gateways really serves its
 * certificate: one TLS handshake per listener with its SNI through the gateway's Envoy Service,
 * the served certificate compared with the Secret's, and the Envoy pods' stats read for a
 * rejected update of that Secret. It fails (non-zero exit) with the reason, e.g.
 * `Envoy rejected the Secret: Failed to load private key provider: qat`, which an Envoy without
 * the provider's extension does while its Gateway stays Programmed and `/ready` answers 200.
 *
 * The Job has no retries (`backoffLimit: 0`) and a deadline, so a GitOps tool can gate on it:
 * Argo CD runs it as a PostSync hook; Flux's health checks wait for it to complete.
 */
export class HandshakeCheck extends Construct {
  /** The Job. */
  public readonly job: ApiObject;
  /** The ConfigMap with the script and the listeners. */
  public readonly configMap: ApiObject;
  /** The Job's ServiceAccount. */
  public readonly serviceAccount: ApiObject;
  /** Roles, one per Envoy namespace: get/list pods (their stats are read on the pod IP). */
  public readonly roles: ApiObject[];
  /** RoleBindings of the Roles to the ServiceAccount. */
  public readonly roleBindings: ApiObject[];
  /** Namespace of the Job. */
  public readonly namespace: string;
  /** Name of the Job. */
  public readonly name: string;

  constructor(scope: Construct, id: string, props: HandshakeCheckProps) {
    super(scope, id);
    const gateways = props?.gateways;
    if (!Array.isArray(gateways) || gateways.length === 0 || !gateways.every((g) => g instanceof AcceleratedTlsGateway)) {
      throw ruleError('ATLS-CHECK001', this, 'gateways', 'at least one AcceleratedTlsGateway is required');
    }
    if (new Set(gateways).size !== gateways.length) throw ruleError('ATLS-CHECK001', this, 'gateways', 'a gateway is listed twice');
    const listeners = gateways.flatMap((g) => g._describe().listeners);
    this.namespace = this.resolveNamespace(gateways, props.namespace);
    this.name = checkLabel(this, 'ATLS-NAME001', 'name', props.name ?? 'handshake-check');
    const timeout = seconds(this, 'handshakeTimeout', props.handshakeTimeout ?? Duration.seconds(10), 1);
    const worstCase = listeners.length * (timeout + STATS_SECONDS);
    const deadline = seconds(this, 'activeDeadline', props.activeDeadline ?? Duration.seconds(120 + worstCase), 1);
    if (deadline < worstCase) {
      throw ruleError('ATLS-CHECK001', this, 'activeDeadline',
        `${deadline} s is shorter than ${listeners.length} listeners may take (${worstCase} s: each the handshake timeout plus ${STATS_SECONDS} s for the stats)`);
    }
    const ttl = seconds(this, 'ttlAfterFinished', props.ttlAfterFinished ?? Duration.hours(1), 0);
    const cpu = checkCpu(this, 'ATLS-CHECK001', 'cpu', props.cpu ?? Cpu.millis(100));
    const memory = mebibytes(this, 'ATLS-CHECK001', 'memory', props.memory ?? Size.mebibytes(64));
    const image = checkImage(this, 'image', props.image) ?? Versions.BENCHMARK_SCRIPT_IMAGE;
    if (props.argoCdHook !== undefined && typeof props.argoCdHook !== 'boolean') throw ruleError('ATLS-CHECK001', this, 'argoCdHook', 'must be true or false');

    // One volume per Secret, holding only its certificate: the check never sees a private key.
    const secrets = [...new Set(listeners.map((l) => l.secretName))].sort();
    const volumeOf = (secret: string) => `cert-${secrets.indexOf(secret)}`;
    const config = {
      timeoutSeconds: timeout,
      gateways: gateways.map((g) => ({
        name: gateways.filter((o) => o.name === g.name).length > 1 ? `${g.namespace}-${g.name}` : g.name,
        provider: g.provider.kind,
        host: `${g.envoyServiceName}.${g.envoyNamespace}.svc`,
        envoyNamespace: g.envoyNamespace,
        podLabels: g._describe().podLabels,
        listeners: g._describe().listeners.map((l) => ({
          name: l.name,
          port: l.port,
          // A wildcard listener is addressed with a name it accepts.
          sni: l.hostname?.startsWith('*.') ? `handshake-check${l.hostname.slice(1)}` : l.hostname ?? null,
          secret: `${l.secretNamespace}/${l.secretName}`,
          certificate: `/secrets/${volumeOf(l.secretName)}/tls.crt`,
        })),
      })),
    };

    const metadata = { name: this.name, namespace: this.namespace };
    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata });
    const envoyNamespaces = [...new Set(gateways.map((g) => g.envoyNamespace))].sort();
    this.roles = envoyNamespaces.map((ns) => new k8s.KubeRole(this, `Role-${ns}`, {
      metadata: { name: this.name, namespace: ns },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }],
    }));
    this.roleBindings = envoyNamespaces.map((ns) => new k8s.KubeRoleBinding(this, `RoleBinding-${ns}`, {
      metadata: { name: this.name, namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.name },
      subjects: [{ kind: 'ServiceAccount', name: this.name, namespace: this.namespace }],
    }));
    this.configMap = new k8s.KubeConfigMap(this, 'ConfigMap', {
      metadata,
      data: {
        'check.py': readAsset(HANDSHAKE_CHECK_ASSET),
        // Imported from the script's directory, /config.
        ...Object.fromEntries(HANDSHAKE_CHECK_MODULES.map((m) => [m, readAsset(m)])),
        'config.json': JSON.stringify(config, undefined, 2) + '\n',
      },
    });

    const labels = { 'app.kubernetes.io/name': 'handshake-check', 'app.kubernetes.io/instance': this.name };
    const hook = props.argoCdHook ?? true;
    this.job = new k8s.KubeJob(this, 'Job', {
      metadata: {
        ...metadata,
        labels,
        ...(hook ? { annotations: { 'argocd.argoproj.io/hook': 'PostSync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' } } : {}),
      },
      spec: {
        // One attempt: a failed check is a result, not a flake to retry.
        backoffLimit: 0,
        activeDeadlineSeconds: deadline,
        ttlSecondsAfterFinished: ttl,
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: this.name,
            restartPolicy: 'Never',
            securityContext: restrictedPod(UID),
            containers: [{
              name: 'check',
              image,
              command: ['python3', '-u', '/config/check.py'],
              env: [
                { name: 'ATLS_CONFIG', value: '/config/config.json' },
                // The root filesystem is read-only: no bytecode is written.
                { name: 'PYTHONDONTWRITEBYTECODE', value: '1' },
              ],
              securityContext: RESTRICTED_CONTAINER,
              resources: equalResources(cpu.amount, memory),
              volumeMounts: [
                { name: 'config', mountPath: '/config', readOnly: true },
                ...secrets.map((s) => ({ name: volumeOf(s), mountPath: `/secrets/${volumeOf(s)}`, readOnly: true })),
              ],
            }],
            volumes: [
              { name: 'config', configMap: { name: this.name } },
              ...secrets.map((s) => ({ name: volumeOf(s), secret: { secretName: s, items: [{ key: 'tls.crt', path: 'tls.crt' }] } })),
            ],
          },
        },
      },
    });
  }

  /** The Secrets' namespace: the only one whose Secrets the Job's pod can mount. */
  private resolveNamespace(gateways: AcceleratedTlsGateway[], requested: string | undefined): string {
    const where = new Map<string, string>();
    gateways.forEach((g, i) => g._describe().listeners.forEach((l, j) => {
      if (!where.has(l.secretNamespace)) where.set(l.secretNamespace, `gateways[${i}] listener ${j} (Secret ${l.secretNamespace}/${l.secretName})`);
    }));
    const namespaces = [...where.keys()];
    if (namespaces.length > 1) {
      throw ruleError('ATLS-CHECK001', this, 'gateways',
        `the certificate Secrets are in ${namespaces.length} namespaces (${[...where.values()].join(', ')}); a pod mounts Secrets of its own namespace only: use one HandshakeCheck per namespace`);
    }
    if (requested === undefined) return namespaces[0];
    checkLabel(this, 'ATLS-NAME001', 'namespace', requested);
    if (requested !== namespaces[0]) {
      throw ruleError('ATLS-CHECK001', this, 'namespace',
        `'${requested}' is not the namespace of the certificate Secrets ('${namespaces[0]}'); a pod mounts Secrets of its own namespace only`);
    }
    return requested;
  }
}

/** A Duration as whole seconds, at least `min`. */
function seconds(scope: Construct, prop: string, d: Duration, min: number): number {
  const s = d instanceof Duration ? d.toSeconds({ integral: false }) : NaN;
  if (!Number.isInteger(s) || s < min) throw ruleError('ATLS-CHECK001', scope, prop, `${s} s is not a whole number of seconds ≥ ${min}`);
  return s;
}
