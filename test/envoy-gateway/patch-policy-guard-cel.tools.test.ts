// The guard's CEL evaluated for real: cel-go (test/envoy-gateway/cel, the version Kubernetes 1.33 uses) runs
// every validation of the synthesized ValidatingAdmissionPolicy against allowed and denied
// EnvoyPatchPolicies. Needs `go` on PATH.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Chart, Duration, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import * as YAML from 'yaml';
import { defineEdge } from '../../examples/edge';
import { AcceleratedTlsGateway, EnvoyPatchPolicyGuard, KeyAlgorithm, KeyProvider, NodePlacement, TlsCertificate } from '../../src';
import { find, synthApp } from '../util';

const SECRET = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret';
const LISTENER = 'type.googleapis.com/envoy.config.listener.v3.Listener';
const QAT = 'type.googleapis.com/envoy.extensions.private_key_providers.qat.v3alpha.QatPrivateKeyMethodConfig';
const CRYPTOMB = 'type.googleapis.com/envoy.extensions.private_key_providers.cryptomb.v3alpha.CryptoMbPrivateKeyMethodConfig';
const EXTENSION = `object.metadata.namespace == 'edge-admin' && p.type == '${LISTENER}'`;

/** The private key provider task's policy for one provider, with the targetRef namespace v1.9's schema rejects removed. */
function taskPolicy(provider: 'qat' | 'cryptomb'): any {
  return YAML.parse(`
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: EnvoyPatchPolicy
metadata:
  name: key-provider-patch-policy
  namespace: default
spec:
  targetRef:
    group: gateway.networking.k8s.io
    kind: Gateway
    name: eg
  type: JSONPatch
  jsonPatches:
    - type: "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret"
      name: default/example-cert
      operation:
        op: add
        path: "/tls_certificate/private_key_provider"
        value:
          provider_name: ${provider}
          typed_config:
            "@type": "${provider === 'qat' ? QAT : CRYPTOMB}"
            private_key:
              inline_string: |
                abcd
            poll_delay: 0.001s
          fallback: true
    - type: "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret"
      name: default/example-cert
      operation:
        op: copy
        from: "/tls_certificate/private_key"
        path: "/tls_certificate/private_key_provider/typed_config/private_key"
`);
}

const taskAdd = () => taskPolicy('qat').spec.jsonPatches[0];
const taskCopy = () => taskPolicy('qat').spec.jsonPatches[1];

function epp(jsonPatches: any[] | undefined, namespace = 'default', type = 'JSONPatch'): any {
  return {
    apiVersion: 'gateway.envoyproxy.io/v1alpha1',
    kind: 'EnvoyPatchPolicy',
    metadata: { name: 'p', namespace },
    spec: { targetRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'eg' }, type, ...(jsonPatches ? { jsonPatches } : {}) },
  };
}

function withPriority(o: any): any {
  o.spec.priority = -5;
  return o;
}

/** The task's add with `edit` applied to a copy. */
function add(edit: (patch: any) => void): any {
  const p = taskAdd();
  edit(p);
  return p;
}

function synthPolicies(build: (app: any) => void): any[] {
  const app = Testing.app();
  build(app);
  return synthApp(app).filter((o) => o.kind === 'EnvoyPatchPolicy');
}

const cert = (name: string, namespace?: string) => TlsCertificate.fromSecretName(name, { namespace, keyAlgorithm: KeyAlgorithm.RSA_2048 });
const backend = { serviceName: 'b', port: 80 };

function libraryPolicies(): Array<[string, any]> {
  const example = synthPolicies(defineEdge);
  const multi = synthPolicies((app) => new AcceleratedTlsGateway(new Chart(app, 'c'), 'gw', {
    provider: KeyProvider.cryptoMb({ pollDelay: Duration.millis(2), fallback: false, placement: NodePlacement.ANY }),
    listeners: [
      { name: 'a', hostname: 'a.example.com', certificate: cert('a'), backend },
      { name: 'b', hostname: 'b.example.com', certificate: cert('b', 'certs'), backend },
    ],
  }));
  const merged = synthPolicies((app) => new AcceleratedTlsGateway(new Chart(app, 'c'), 'gw', {
    provider: KeyProvider.qat({ pollDelay: Duration.millis(1500) }), mergeGateways: true, listeners: [{ certificate: cert('m'), backend }],
  }));
  return [
    ['the example QAT gateway policy', example[0]],
    ['the example CryptoMB gateway policy', example[1]],
    ['a library policy over two Secrets, one in another namespace, fallback false, 0.002s', multi[0]],
    ['a library policy targeting a GatewayClass (mergeGateways), 1.5s', merged[0]],
  ];
}

interface Case { name: string; policy: 'default' | 'extended'; allow: boolean; denial?: string; object: any }

function corpus(): Case[] {
  const allow = (name: string, object: any, policy: Case['policy'] = 'default'): Case => ({ name, policy, allow: true, object });
  const deny = (name: string, denial: string, object: any, policy: Case['policy'] = 'default'): Case => ({ name, policy, allow: false, denial, object });
  const listenerRewrite = {
    type: LISTENER,
    name: 'default/eg/tls-443',
    operation: { op: 'replace', path: '/filter_chains/0/transport_socket/typed_config/common_tls_context/tls_certificates/0/private_key', value: { filename: '/certs/tls.key' } },
  };
  const many = Array.from({ length: 64 }, (_, i) => [taskAdd(), taskCopy()].map((p) => ({ ...p, name: `default/cert-${i}` }))).flat();
  return [
    allow('the private key provider task\'s QAT policy', taskPolicy('qat')),
    allow('the private key provider task\'s CryptoMB policy', taskPolicy('cryptomb')),
    ...libraryPolicies().map(([name, object]) => allow(name, object)),
    allow('an add with only provider_name and @type', epp([add((p) => { p.operation.value = { provider_name: 'qat', typed_config: { '@type': QAT } }; })])),
    allow('an empty private_key, poll_delay 1s, fallback false, a priority', withPriority(epp([add((p) => {
      Object.assign(p.operation.value, { fallback: false });
      Object.assign(p.operation.value.typed_config, { private_key: {}, poll_delay: '1s' });
    }), taskCopy()]))),
    allow('a policy without jsonPatches (it changes nothing)', epp(undefined)),
    allow('a policy with an empty jsonPatches list', epp([])),
    allow('64 Secrets, 128 patches, within the cost budget', epp(many)),
    allow('the private key provider task\'s QAT policy under the extended guard', taskPolicy('qat'), 'extended'),
    allow('a listener rewrite in the namespace the extension admits', epp([listenerRewrite, taskAdd()], 'edge-admin'), 'extended'),

    deny('a listener rewrite (CVE-2026-22771)', 'xDS Secret', epp([listenerRewrite])),
    deny('a Cluster patch', 'xDS Secret', epp([{ type: 'type.googleapis.com/envoy.config.cluster.v3.Cluster', name: 'c', operation: { op: 'add', path: '/transport_socket', value: {} } }])),
    deny('a RouteConfiguration patch', 'xDS Secret', epp([{ type: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration', name: 'r', operation: { op: 'add', path: '/virtual_hosts/0', value: { name: 'x', domains: ['*'] } } }])),
    deny('a ClusterLoadAssignment patch', 'xDS Secret', epp([{ type: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment', name: 'c', operation: { op: 'remove', path: '/endpoints/0' } }])),
    deny('our patches mixed with a listener rewrite', 'xDS Secret', epp([taskAdd(), taskCopy(), listenerRewrite])),
    deny('replace on our Secret path', 'op must be add or copy', epp([add((p) => { p.operation.op = 'replace'; })])),
    deny('remove of the Secret\'s private key', 'op must be add or copy', epp([{ type: SECRET, name: 'default/example-cert', operation: { op: 'remove', path: '/tls_certificate/private_key' } }])),
    deny('move of the private key', 'op must be add or copy', epp([{ ...taskCopy(), operation: { ...taskCopy().operation, op: 'move' } }])),
    deny('a test op', 'op must be add or copy', epp([add((p) => { p.operation.op = 'test'; })])),
    deny('an add at another path', 'an add must have path', epp([add((p) => { p.operation.path = '/tls_certificate/certificate_chain'; })])),
    deny('an add with from', 'an add must have path', epp([add((p) => { p.operation.from = '/tls_certificate/private_key'; })])),
    deny('an add through jsonPath', 'jsonPath is denied', epp([add((p) => { p.operation.jsonPath = '$..tls_certificate'; })])),
    deny('a copy from another path', 'a copy must go from', epp([taskAdd(), { ...taskCopy(), operation: { ...taskCopy().operation, from: '/tls_certificate/certificate_chain' } }])),
    deny('a copy to another path', 'a copy must go from', epp([{ ...taskCopy(), operation: { ...taskCopy().operation, path: '/name' } }])),
    deny('a copy with a value', 'a copy must go from', epp([{ ...taskCopy(), operation: { ...taskCopy().operation, value: 'x' } }])),
    deny('provider_name evil', 'provider_name qat or cryptomb', epp([add((p) => { p.operation.value.provider_name = 'evil'; })])),
    deny('qat with the CryptoMB @type', 'matching @type', epp([add((p) => { p.operation.value.typed_config['@type'] = CRYPTOMB; })])),
    deny('an extra field beside provider_name', 'nothing else', epp([add((p) => { p.operation.value.extra = true; })])),
    deny('an add without a value', 'a private key provider', epp([add((p) => { delete p.operation.value; })])),
    deny('private_key read from a file of the Envoy pod (the xDS client key)', 'typed_config may hold only', epp([add((p) => { p.operation.value.typed_config.private_key = { filename: '/certs/tls.key' }; })])),
    deny('key material in the policy (inline_bytes)', 'typed_config may hold only', epp([add((p) => { p.operation.value.typed_config.private_key = { inline_bytes: 'AAAA' }; })])),
    deny('an extra typed_config field', 'typed_config may hold only', epp([add((p) => { p.operation.value.typed_config.max_queue = 3; })])),
    deny('poll_delay written as a Go duration', 'poll_delay of at least 1ms', epp([add((p) => { p.operation.value.typed_config.poll_delay = '1ms'; })])),
    deny('poll_delay below 1ms', 'poll_delay of at least 1ms', epp([add((p) => { p.operation.value.typed_config.poll_delay = '0.0005s'; })])),
    deny('poll_delay as a number', 'poll_delay of at least 1ms', epp([add((p) => { p.operation.value.typed_config.poll_delay = 1; })])),
    deny('fallback as a string', 'fallback must be a boolean', epp([add((p) => { p.operation.value.fallback = 'true'; })])),
    deny('spec.type other than JSONPatch', 'spec.type must be JSONPatch', epp([taskAdd()], 'default', 'Merge')),
    deny('the admitted listener rewrite outside its namespace', 'xDS Secret', epp([listenerRewrite]), 'extended'),
  ];
}

/**
 * Property: a policy is admitted exactly when each of its patches is admitted on its own, in any
 * order and number. Patches come from the single-patch cases above (the same 100 lists on every run: stable names).
 */
function composed(cases: Case[]): Case[] {
  const atoms = cases
    .filter((c) => c.policy === 'default' && c.object.spec.type === 'JSONPatch' && (c.allow ? (c.object.spec.jsonPatches?.length ?? 0) <= 4 : c.object.spec.jsonPatches?.length === 1))
    .flatMap((c) => (c.object.spec.jsonPatches ?? []).map((patch: any) => ({ patch, good: c.allow })))
    .filter((a, i, all) => all.findIndex((b) => JSON.stringify(b.patch) === JSON.stringify(a.patch)) === i);
  const lists = fc.sample(fc.array(fc.constantFrom(...atoms), { minLength: 1, maxLength: 6 }), { numRuns: 100, seed: 2026 });
  return lists.map((list, i) => ({
    name: `composed ${i}: ${list.map((a) => (a.good ? 'ok' : 'bad')).join(' ')}`,
    policy: 'default',
    allow: list.every((a) => a.good),
    denial: 'EnvoyPatchPolicy guard',
    object: epp(list.map((a) => a.patch)),
  }));
}

function guardPolicy(allowedPatches?: string[]): any {
  const app = Testing.app();
  new EnvoyPatchPolicyGuard(new Chart(app, 'guard'), 'guard', { allowedPatches });
  return find(synthApp(app), 'ValidatingAdmissionPolicy');
}

test('cel-go admits every policy the library and the private key provider task emit, denies every other patch, and composes per patch', () => {
  const fixed = corpus();
  expect(fixed.filter((c) => c.allow).length).toBeGreaterThanOrEqual(10);
  expect(fixed.filter((c) => !c.allow).length).toBeGreaterThanOrEqual(10);
  const cases = [...fixed, ...composed(fixed)];
  expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atls-cel-'));
  const file = path.join(dir, 'cases.json');
  fs.writeFileSync(file, JSON.stringify({ policies: { default: guardPolicy(), extended: guardPolicy([EXTENSION]) }, cases }));
  let out: string;
  try {
    out = execFileSync('go', ['test', '-count=1', '-v', '-run', 'TestGuard', './...'], {
      cwd: path.join(__dirname, 'cel'), env: { ...process.env, ATLS_CEL_CASES: file }, encoding: 'utf8', stdio: 'pipe',
    });
  } catch (e: any) {
    if (e.code === 'ENOENT') throw new Error('go is not on PATH: the guard\'s CEL is tested with cel-go (test/envoy-gateway/cel)');
    throw new Error(`go test failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  // Every case ran (a skipped or filtered run would pass silently).
  expect(out).toContain(`${cases.filter((c) => c.allow).length} allowed and ${cases.filter((c) => !c.allow).length} denied cases`);
  expect(out.match(/--- PASS: TestGuard\//g)).toHaveLength(cases.length);
}, 300_000);
