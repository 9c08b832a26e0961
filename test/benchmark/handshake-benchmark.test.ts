import { App, Chart, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import {
  AcceleratedTlsGateway, acknowledge, CryptoMbAffinity, EnvoyOptions, HandshakeBenchmark, HandshakeBenchmarkProps, KeyAlgorithm,
  KeyProvider, NodePlacement, QatNodePrep, Rules, TlsCertificate, Versions,
} from '../../src';
import { find, newChart, synthApp } from '../util';

const CERT = TlsCertificate.fromSecretName('example-cert', { keyAlgorithm: KeyAlgorithm.RSA_2048 });

function gw(chart: Chart, name: string, provider: KeyProvider, envoy: EnvoyOptions = {}): AcceleratedTlsGateway {
  return new AcceleratedTlsGateway(chart, name, {
    name,
    provider,
    envoy,
    listeners: [{ hostname: 'www.example.com', certificate: CERT, backend: { serviceName: 'backend', port: 3000 } }],
  });
}

/** The example's comparison: QAT and CryptoMB, each with a baseline of its shape and placement. */
function scenario(props: Partial<HandshakeBenchmarkProps> = {}) {
  const { app, chart } = newChart();
  new CryptoMbAffinity(chart, 'avx512');
  const targets = [
    gw(chart, 'eg-software', KeyProvider.software({ onQatNodes: true })),
    gw(chart, 'eg-qat', KeyProvider.qat()),
    gw(chart, 'eg-software-cryptomb', KeyProvider.software({ placement: NodePlacement.REQUIRED })),
    gw(chart, 'eg-cryptomb', KeyProvider.cryptoMb()),
  ];
  const bench = new HandshakeBenchmark(new Chart(app, 'benchmark'), 'bench', { targets, ...props });
  return { app, chart, targets, bench };
}

describe('the synthesized benchmark', () => {
  const { app, bench } = scenario();
  const objects = synthApp(app).filter((o) => o.metadata.name === 'handshake-benchmark');
  const job = find(objects, 'Job');
  const pod = job.spec.template.spec;
  const config = JSON.parse(find(objects, 'ConfigMap', 'handshake-benchmark').data['config.json']);

  test('emits a ServiceAccount, one Role and RoleBinding per Envoy namespace, the ConfigMap and the Job', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace}`)).toEqual([
      'ServiceAccount/default', 'Role/envoy-gateway-system', 'RoleBinding/envoy-gateway-system', 'ConfigMap/default', 'Job/default',
    ]);
    expect(bench.roles).toHaveLength(1);
  });

  test('RBAC is minimal: get and list pods in the Envoy namespace, get their logs for QAT, bound to the Job\'s ServiceAccount', () => {
    expect(find(objects, 'Role').rules).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
    ]);
    expect(find(objects, 'RoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'handshake-benchmark', namespace: 'default' }]);
    expect(pod.serviceAccountName).toBe('handshake-benchmark');
  });

  test('targets are addressed by their deterministic Envoy Service names, in order, with identical flags', () => {
    expect(config).toMatchObject({ hostname: 'www.example.com', concurrency: 64, qps: 0, duration: '30s' });
    expect(config.targets.map((t: any) => [t.name, t.provider, t.host, t.port, t.baseline])).toEqual([
      ['eg-software', 'software', 'envoy-default-eg-software.envoy-gateway-system.svc', 443, null],
      ['eg-qat', 'qat', 'envoy-default-eg-qat.envoy-gateway-system.svc', 443, 'eg-software'],
      ['eg-software-cryptomb', 'software', 'envoy-default-eg-software-cryptomb.envoy-gateway-system.svc', 443, null],
      ['eg-cryptomb', 'cryptomb', 'envoy-default-eg-cryptomb.envoy-gateway-system.svc', 443, 'eg-software-cryptomb'],
    ]);
    expect(config.targets[3].podLabels).toEqual({
      'gateway.envoyproxy.io/owning-gateway-name': 'eg-cryptomb', 'gateway.envoyproxy.io/owning-gateway-namespace': 'default',
    });
    expect(config.targets[3].keyType).toBe('RSA');
  });

  test('each target carries its provider\'s evidence: CryptoMB its batch stats, QAT its log lines, a baseline nothing', () => {
    expect(config.targets.map((t: any) => [t.name, t.evidence && Object.keys(t.evidence)])).toEqual([
      ['eg-software', null],
      ['eg-qat', ['container', 'started', 'fallbacks', 'silent']],
      ['eg-software-cryptomb', null],
      ['eg-cryptomb', ['statSuffixes', 'queuedKeyTypes']],
    ]);
    expect(config.targets[1].evidence.started).toBe('initialized QAT private key provider');
    expect(config.targets[1].evidence.fallbacks.map((f: string[]) => f[0]))
      .toEqual(['Failed to start QAT device.', 'Only RSA keys are supported.', 'Failed to start QAT.']);
    expect(config.targets[3].evidence.statSuffixes).toEqual(['_cryptomb_rsa_queue_sizes_count', '_cryptomb_ecdsa_queue_sizes_count']);
  });

  test('a software baseline placed like CryptoMB gets the CryptoMB affinity', () => {
    const proxies = synthApp(app).filter((o) => o.kind === 'EnvoyProxy');
    const affinity = (name: string) => proxies.find((p) => p.metadata.name === name).spec.provider.kubernetes.envoyDeployment.pod.affinity;
    expect(affinity('default-eg-software-cryptomb')).toEqual(affinity('default-eg-cryptomb'));
    expect(affinity('default-eg-software-cryptomb')).toBeDefined();
    expect(affinity('default-eg-software')).toBeUndefined();
  });

  test('the pod complies with Pod Security restricted', () => {
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    for (const c of [...pod.initContainers, ...pod.containers]) {
      expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    }
    expect(pod.restartPolicy).toBe('Never');
    expect(job.spec.backoffLimit).toBe(0);
  });

  test('fortio is copied out of its pinned, shell-less image; the script runs in a pinned Python image', () => {
    expect(pod.initContainers.map((c: any) => [c.image, c.command])).toEqual([
      [Versions.BENCHMARK_TOOLS_IMAGE, ['/bin/cp', '/bin/busybox', '/tools/busybox']],
      [Versions.FORTIO_IMAGE, ['/tools/busybox', 'cp', '/usr/bin/fortio', '/tools/fortio']],
    ]);
    expect(Versions.FORTIO_IMAGE).toBe(`docker.io/fortio/fortio:${Versions.FORTIO_VERSION.slice(1)}`);
    expect(pod.containers[0].image).toBe(Versions.BENCHMARK_SCRIPT_IMAGE);
    expect(pod.containers[0].command).toEqual(['python3', '-u', '/config/benchmark.py']);
    expect(pod.containers[0].resources).toEqual({ requests: { cpu: '2', memory: '512Mi' }, limits: { cpu: '2', memory: '512Mi' } });
  });

  test('the client never shares a node with an Envoy pod of a target', () => {
    const terms = pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
    expect(terms).toHaveLength(4);
    expect(terms[1]).toEqual({
      labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'envoy', 'gateway.envoyproxy.io/owning-gateway-name': 'eg-qat', 'gateway.envoyproxy.io/owning-gateway-namespace': 'default' } },
      namespaces: ['envoy-gateway-system'],
      topologyKey: 'kubernetes.io/hostname',
    });
  });
});

test('client placement, sizing, flags and a created restricted namespace', () => {
  const { app } = scenario({
    concurrency: 8,
    qps: 100,
    duration: Duration.minutes(1),
    hostname: 'www.example.com',
    namespace: 'bench',
    createNamespace: true,
    cpu: Cpu.units(4),
    memory: Size.gibibytes(1),
    nodeSelector: { pool: 'clients' },
    tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }],
  });
  const objects = synthApp(app).filter((o) => ['handshake-benchmark', 'bench'].includes(o.metadata.name));
  expect(find(objects, 'Namespace', 'bench').metadata.labels).toEqual({ 'pod-security.kubernetes.io/enforce': 'restricted' });
  const pod = find(objects, 'Job').spec.template.spec;
  expect(pod.nodeSelector).toEqual({ pool: 'clients' });
  expect(pod.tolerations).toEqual([{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }]);
  expect(pod.containers[0].resources.limits).toEqual({ cpu: '4', memory: '1024Mi' });
  const config = JSON.parse(find(objects, 'ConfigMap', 'handshake-benchmark').data['config.json']);
  expect(config).toMatchObject({ hostname: 'www.example.com', concurrency: 8, qps: 100, duration: '60s' });
  expect(find(objects, 'RoleBinding').subjects[0].namespace).toBe('bench');
});

test('no QAT target: no access to logs', () => {
  const { app, chart } = newChart();
  new CryptoMbAffinity(chart, 'avx512');
  const targets = [gw(chart, 'sw', KeyProvider.software({ placement: NodePlacement.REQUIRED })), gw(chart, 'cmb', KeyProvider.cryptoMb())];
  new HandshakeBenchmark(chart, 'bench', { targets });
  const objects = synthApp(app);
  expect(find(objects, 'Role', 'handshake-benchmark').rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]);
  const config = JSON.parse(find(objects, 'ConfigMap', 'handshake-benchmark').data['config.json']);
  expect(config.targets.map((t: any) => t.evidence)).toEqual([null, {
    statSuffixes: ['_cryptomb_rsa_queue_sizes_count', '_cryptomb_ecdsa_queue_sizes_count'], queuedKeyTypes: ['RSA', 'ECDSA'],
  }]);
});

test('parallel client pods: an Indexed Job, and the clients may find and read each other in its namespace only', () => {
  const { app } = scenario({ clientPods: 3, namespace: 'bench', createNamespace: true, cpu: Cpu.units(4) });
  const objects = synthApp(app).filter((o) => o.metadata.name === 'handshake-benchmark');
  const job = find(objects, 'Job');
  expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 3, parallelism: 3 });
  const roles = objects.filter((o) => o.kind === 'Role');
  expect(roles.map((r) => [r.metadata.namespace, r.rules.map((x: any) => `${x.resources}:${x.verbs}`)])).toEqual([
    ['bench', ['pods:get,list', 'pods/log:get']],
    ['envoy-gateway-system', ['pods:get,list', 'pods/log:get']],
  ]);
  const config = JSON.parse(find(objects, 'ConfigMap').data['config.json']);
  expect(config.clients).toEqual({ pods: 3, cpu: 4, namespace: 'bench', job: 'handshake-benchmark' });
});

describe('fairness (ATLS-BENCH001)', () => {
  function synthWith(build: (chart: Chart) => AcceleratedTlsGateway[]) {
    const { app, chart } = newChart();
    new CryptoMbAffinity(chart, 'avx512');
    const targets = build(chart);
    const bench = new HandshakeBenchmark(chart, 'bench', { targets });
    return { app, bench };
  }

  test('a CryptoMB gateway compared with an unplaced baseline is an error naming the prop that differs', () => {
    const { app } = synthWith((c) => [gw(c, 'sw', KeyProvider.software()), gw(c, 'cmb', KeyProvider.cryptoMb())]);
    expect(() => synthApp(app)).toThrow(/test\/bench: \[ATLS-BENCH001\] targets\[1\]: test\/cmb \(cryptomb\) has no software baseline of the same shape: closest is test\/sw, which differs in provider\.placement \(set the placement option of the baseline's software KeyProvider\)/);
  });

  test('a QAT gateway compared with a baseline not on QAT nodes is an error pointing at onQatNodes', () => {
    const { app } = synthWith((c) => [gw(c, 'sw', KeyProvider.software()), gw(c, 'qat', KeyProvider.qat())]);
    expect(() => synthApp(app)).toThrow(/test\/bench: \[ATLS-BENCH001\] targets\[1\]: test\/qat \(qat\) has no software baseline of the same shape: closest is test\/sw, which differs in provider\.placement \(set the onQatNodes \(Python: on_qat_nodes\) option of the baseline's software KeyProvider\)/);
  });

  test('the QAT baseline is placed where the QAT gateway lands: the app\'s QAT device plugin nodes', () => {
    const { app, chart } = newChart();
    new QatNodePrep(chart, 'qat-prep', { nodeSelector: { 'pool': 'qat', 'kubernetes.io/arch': 'amd64' } });
    const targets = [gw(chart, 'sw', KeyProvider.software({ onQatNodes: true })), gw(chart, 'qat', KeyProvider.qat())];
    new HandshakeBenchmark(chart, 'bench', { targets });
    const objects = synthApp(app);
    const pod = (name: string) => find(objects, 'EnvoyProxy', `default-${name}`).spec.provider.kubernetes.envoyDeployment.pod;
    expect(pod('sw').nodeSelector).toEqual({ 'kubernetes.io/arch': 'amd64', 'pool': 'qat' });
    expect(find(objects, 'DaemonSet', 'intel-qat-plugin').spec.template.spec.nodeSelector).toEqual(pod('sw').nodeSelector);
    // The QAT gateway lands there through its VF request, which only those nodes advertise.
    expect(pod('qat').nodeSelector).toEqual({ 'kubernetes.io/arch': 'amd64' });
    expect(JSON.parse(find(objects, 'ConfigMap', 'handshake-benchmark').data['config.json']).targets[1].baseline).toBe('sw');
  });

  test('without a QAT device plugin in the app, the baseline selects Intel\'s QAT readiness label', () => {
    const { app, chart } = newChart();
    gw(chart, 'sw', KeyProvider.software({ onQatNodes: true }));
    const proxy = find(synthApp(app), 'EnvoyProxy', 'default-sw');
    expect(proxy.spec.provider.kubernetes.envoyDeployment.pod.nodeSelector)
      .toEqual({ 'kubernetes.io/arch': 'amd64', 'intel.feature.node.kubernetes.io/qat': 'true' });
  });

  test('a baseline placed like QAT and like CryptoMB at once is an error', () => {
    const { chart } = newChart();
    expect(() => gw(chart, 'sw', KeyProvider.software({ onQatNodes: true, placement: NodePlacement.REQUIRED })))
      .toThrow(/test\/sw: \[ATLS-KEY005\] provider\.onQatNodes: /);
  });

  test('sizes must match: cpu, memory, concurrency, replicas, image', () => {
    const { app } = synthWith((c) => [
      gw(c, 'sw', KeyProvider.software({ onQatNodes: true }), { cpu: Cpu.units(2), replicas: 2 }),
      gw(c, 'qat', KeyProvider.qat(), { cpu: Cpu.units(1), replicas: 2 }),
    ]);
    expect(() => synthApp(app)).toThrow(/targets\[1\]: .*differs in envoy\.cpu, envoy\.concurrency/);
  });

  test('no software target at all is an error', () => {
    const { app } = synthWith((c) => [gw(c, 'qat', KeyProvider.qat())]);
    expect(() => synthApp(app)).toThrow(/\[ATLS-BENCH001\] targets\[0\]: test\/qat \(qat\) has no software baseline \(a gateway with the software KeyProvider\)/);
  });

  test('it can be acknowledged with a reason; the target then has no ratio', () => {
    const { app, bench } = synthWith((c) => [gw(c, 'qat', KeyProvider.qat())]);
    acknowledge(bench, 'ATLS-BENCH001', 'absolute numbers only');
    const config = JSON.parse(find(synthApp(app), 'ConfigMap', 'handshake-benchmark').data['config.json']);
    expect(config.targets[0].baseline).toBeNull();
  });

  test('every matching software gateway is a valid baseline; the first one is used', () => {
    const sw = () => KeyProvider.software({ onQatNodes: true });
    const { app } = synthWith((c) => [gw(c, 'qat', KeyProvider.qat()), gw(c, 'sw-a', sw()), gw(c, 'sw-b', sw())]);
    const config = JSON.parse(find(synthApp(app), 'ConfigMap', 'handshake-benchmark').data['config.json']);
    expect(config.targets.map((t: any) => t.baseline)).toEqual(['sw-a', null, null]);
  });

  test('the rules are listed', () => {
    expect(Rules.ALL.map((r) => r.id)).toEqual(expect.arrayContaining(['ATLS-BENCH001', 'ATLS-BENCH002']));
  });
});

describe('props (ATLS-BENCH002)', () => {
  const cases: Array<[string, Partial<HandshakeBenchmarkProps>, RegExp]> = [
    ['no targets', { targets: [] }, /targets: at least one/],
    ['concurrency 0', { concurrency: 0 }, /concurrency: 0 is not a positive integer/],
    ['fractional duration', { duration: Duration.millis(1500) }, /duration: 1\.5 s/],
    ['negative qps', { qps: -1 }, /qps: -1/],
    ['a wildcard hostname', { hostname: '*.example.com' }, /hostname/],
    ['an SNI a target does not accept', { hostname: 'api.example.com' }, /benchmark\/bench: \[ATLS-BENCH002\] hostname: 'api.example.com' is not accepted by the first listener of targets\[0\]/],
    ['a bad namespace', { namespace: 'Bench' }, /\[ATLS-NAME001\].*namespace/],
    ['zero cpu', { cpu: Cpu.millis(0) }, /cpu: must be positive/],
    ['an image with spaces', { fortioImage: 'fortio fortio' }, /fortioImage/],
    ['zero client pods', { clientPods: 0 }, /benchmark\/bench: \[ATLS-BENCH002\] clientPods: 0 is not an integer within 1–100/],
    ['fractional client pods', { clientPods: 1.5 }, /clientPods: 1\.5/],
  ];
  test.each(cases)('%s is an error naming the prop', (_name, props, message) => {
    expect(() => scenario(props)).toThrow(message);
  });

  test('a target listed twice is an error', () => {
    const { chart } = newChart();
    const sw = gw(chart, 'sw', KeyProvider.software());
    expect(() => new HandshakeBenchmark(chart, 'b', { targets: [sw, sw] })).toThrow(/test\/b: \[ATLS-BENCH002\] targets: a gateway is listed twice/);
  });

  test('property: any props synthesize or throw an Error naming a prop', () => {
    const props = fc.record({
      concurrency: fc.oneof(fc.integer({ min: -5, max: 500 }), fc.double()),
      qps: fc.oneof(fc.integer({ min: -5, max: 5000 }), fc.double()),
      seconds: fc.oneof(fc.integer({ min: 0, max: 600 }), fc.double({ min: 0, max: 100, noNaN: true })),
      hostname: fc.option(fc.oneof(fc.domain(), fc.string({ maxLength: 12 }))),
      namespace: fc.option(fc.oneof(fc.constantFrom('bench', 'default'), fc.string({ maxLength: 8 }))),
      cpuMillis: fc.integer({ min: -10, max: 4000 }),
      clientPods: fc.oneof(fc.integer({ min: -2, max: 120 }), fc.double()),
    }, { requiredKeys: [] });
    fc.assert(fc.property(props, (p) => {
      const app = new App();
      const chart = new Chart(app, 'test');
      const targets = [gw(chart, 'sw', KeyProvider.software({ onQatNodes: true })), gw(chart, 'qat', KeyProvider.qat())];
      try {
        new HandshakeBenchmark(chart, 'b', {
          targets,
          concurrency: p.concurrency,
          qps: p.qps,
          hostname: p.hostname ?? undefined,
          namespace: p.namespace ?? undefined,
          duration: p.seconds === undefined ? undefined : Duration.millis(p.seconds * 1000),
          cpu: p.cpuMillis === undefined ? undefined : Cpu.millis(p.cpuMillis),
          clientPods: p.clientPods,
        });
        app.synth();
      } catch (e) {
        expect(e).toBeInstanceOf(Error);
        expect((e as Error).message).toMatch(/^test\/b: \[ATLS-[A-Z]+\d+\] (concurrency|qps|duration|hostname|namespace|cpu|clientPods):/);
      }
    }), { numRuns: 1000 });
  });
});
