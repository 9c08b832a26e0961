// The cluster check's assertions (conformance/cluster/assertions.js) on objects shaped as the
// apiserver returns them: each passes on a good object and fails, with its reason, on a bad one.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const A = require('../../conformance/cluster/assertions');

const ok = (type: string) => ({ type, status: 'True', reason: 'Ok' });
const bad = (type: string) => ({ type, status: 'False', reason: 'Nope', message: 'why' });

test('quantities compare by value', () => {
  expect(A.qty('1000m')).toBe(A.qty('1'));
  expect(A.qty('4096Mi')).toBe(A.qty('4Gi'));
  expect(A.qty('2')).not.toBe(A.qty('1'));
});

describe('envoyDeployment', () => {
  const proxy = {
    kind: 'EnvoyProxy',
    metadata: { name: 'p', namespace: 'envoy-gateway-system' },
    spec: {
      concurrency: 1,
      provider: {
        kubernetes: {
          envoyDeployment: {
            container: { image: 'envoy:contrib', resources: { limits: { 'cpu': '1000m', 'qat.intel.com/cy': '1' }, requests: { cpu: '1000m' } } },
            pod: { nodeSelector: { 'kubernetes.io/arch': 'amd64' } },
            strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
          },
        },
      },
    },
  };
  const deployment = (over: any = {}) => ({
    kind: 'Deployment',
    metadata: { name: 'envoy-x', namespace: 'envoy-gateway-system' },
    spec: {
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
      template: {
        spec: {
          nodeSelector: { 'kubernetes.io/arch': 'amd64' },
          containers: [{ name: 'envoy', image: 'envoy:contrib', args: ['--concurrency', '1'], resources: { limits: { 'cpu': '1', 'qat.intel.com/cy': '1' }, requests: { cpu: '1' } }, ...over }],
        },
      },
    },
  });
  test('what the EnvoyProxy asks for passes', () => expect(A.envoyDeployment(deployment(), proxy).failures).toEqual([]));
  test.each([
    ['image', { image: 'envoy:plain' }],
    ['resources', { resources: { limits: { cpu: '1' }, requests: { cpu: '1' } } }],
    ['--concurrency', { args: ['--concurrency', '4'] }],
  ])('a different %s fails', (what, over) => {
    expect(A.envoyDeployment(deployment(over), proxy).failures.join()).toContain(what);
  });
});

test('envoyGatewayStatus: Programmed gateways with attached routes pass, the rest fail with the condition', () => {
  const gw = (programmed: boolean, attached: number) => ({
    kind: 'Gateway',
    metadata: { name: 'g', namespace: 'd' },
    spec: { listeners: [{ name: 'l' }] },
    status: { conditions: [ok('Accepted'), programmed ? ok('Programmed') : bad('Programmed')], listeners: [{ name: 'l', attachedRoutes: attached, conditions: [ok('Programmed')] }] },
  });
  const policy = (programmed: boolean) => ({
    kind: 'EnvoyPatchPolicy',
    metadata: { name: 'p', namespace: 'd' },
    status: { ancestors: [{ ancestorRef: { kind: 'Gateway', name: 'g' }, conditions: [ok('Accepted'), programmed ? ok('Programmed') : bad('Programmed')] }] },
  });
  expect(A.envoyGatewayStatus([], [gw(true, 1)], [], [policy(true)]).failures).toEqual([]);
  expect(A.envoyGatewayStatus([], [gw(false, 1)], [], []).failures).toEqual(['Gateway d/g: Programmed=False (Nope: why)']);
  expect(A.envoyGatewayStatus([], [gw(true, 0)], [], []).failures[0]).toMatch(/listener l: .*attachedRoutes 0/);
  expect(A.envoyGatewayStatus([], [], [], [policy(false)]).failures).toEqual(['EnvoyPatchPolicy d/p on Gateway g: Programmed=False (Nope: why)']);
});

test('nodeLabels: exactly the intended rule labels', () => {
  const node = (name: string, labels: Record<string, string>) => ({ metadata: { name, labels } });
  const keys = ['a', 'b'];
  expect(A.nodeLabels([node('n', { a: 'true', other: 'x' })], keys, { n: ['a'] }).failures).toEqual([]);
  expect(A.nodeLabels([node('n', { a: 'true', b: 'true' })], keys, { n: ['a'] }).failures).toEqual(['node n: rule labels [a, b], intended [a]']);
  expect(A.nodeLabels([node('n', {})], keys, { n: ['a'] }).failures).toHaveLength(1);
});

test('guardTypeChecking: warnings and a missing status fail', () => {
  const vap = (typeChecking: any) => ({ kind: 'ValidatingAdmissionPolicy', metadata: { name: 'g' }, status: { typeChecking } });
  expect(A.guardTypeChecking(vap({})).failures).toEqual([]);
  expect(A.guardTypeChecking(vap({ expressionWarnings: [{ fieldRef: 'spec.validations[5].expression', warning: "undefined field 'value'" }] })).failures[0]).toMatch(/undefined field 'value'/);
  expect(A.guardTypeChecking(vap(undefined)).failures[0]).toMatch(/never checked/);
});

test('boundTo and crdsUnchanged', () => {
  const pod = (nodeName?: string) => ({ metadata: { name: 'p', namespace: 'n' }, spec: { nodeName }, status: { conditions: [] } });
  expect(A.boundTo('x', [pod('icx')], ['icx']).failures).toEqual([]);
  expect(A.boundTo('x', [pod('skx')], ['icx']).failures).toEqual(['x: n/p is on skx, allowed: icx']);
  expect(A.boundTo('x', [pod()], ['icx']).failures[0]).toMatch(/not scheduled/);
  expect(A.boundTo('x', [], ['icx']).failures).toEqual(['x: no pods']);
  const crd = (generation: number) => ({ metadata: { name: 'c', generation }, spec: { a: generation } });
  expect(A.crdsUnchanged([crd(1)], [crd(1)]).failures).toEqual([]);
  expect(A.crdsUnchanged([crd(1)], [crd(2)]).failures).toEqual(['CRD c: changed (generation 1 -> 2)']);
});

describe('benchmarkApart', () => {
  const pod = (name: string, node: string | undefined, scheduledAt: string, finishedAt?: string) => ({
    metadata: { name, namespace: 'default' },
    spec: { nodeName: node },
    status: {
      conditions: [{ type: 'PodScheduled', status: node ? 'True' : 'False', reason: 'x', message: 'm', lastTransitionTime: scheduledAt }],
      ...(finishedAt ? { containerStatuses: [{ state: { terminated: { finishedAt } } }] } : {}),
    },
  });
  const bench = pod('bench', 'n1', '2026-01-01T00:01:00Z', '2026-01-01T00:05:00Z');

  test('passes on another node, or on the same node only after the benchmark finished', () => {
    expect(A.benchmarkApart([bench], [pod('envoy', 'n2', '2026-01-01T00:00:00Z')]).failures).toEqual([]);
    expect(A.benchmarkApart([bench], [pod('envoy', 'n1', '2026-01-01T00:06:00Z')]).failures).toEqual([]);
  });

  test('fails on an Envoy pod beside a running benchmark, and on an unscheduled benchmark', () => {
    expect(A.benchmarkApart([bench], [pod('envoy', 'n1', '2026-01-01T00:00:00Z')]).failures).toEqual(['benchmark bench shares n1 with Envoy pod envoy']);
    expect(A.benchmarkApart([pod('bench', undefined, '2026-01-01T00:00:00Z')], []).failures).toEqual(['benchmark bench: not scheduled: PodScheduled=False (x: m)']);
  });
});

describe('guardDenies', () => {
  const attempt = (status: number, stderr: string) => ({ name: 'copy from elsewhere', result: { status, stdout: '', stderr } });
  test('passes when the guard refused; fails when admitted or refused by something else', () => {
    expect(A.guardDenies([attempt(1, 'denied by ValidatingAdmissionPolicy atls-guard')], 'atls-guard').failures).toEqual([]);
    expect(A.guardDenies([attempt(0, '')], 'atls-guard').failures).toEqual(['guard admitted a malicious EnvoyPatchPolicy (copy from elsewhere)']);
    expect(A.guardDenies([attempt(1, 'webhook timeout')], 'atls-guard').failures).toEqual(['copy from elsewhere: refused, but not by atls-guard: webhook timeout']);
  });
});
