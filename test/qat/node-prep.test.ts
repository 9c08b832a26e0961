import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { ApiObject, Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { DaemonSet } from 'kubernetes-models/apps/v1';
import * as YAML from 'yaml';
import {
  ContainerRuntime, NodeFeatureDiscovery, QatDevicePlugin, QatHostPrep, QatNodePrep, QatNodePrepProps, QatServices, QatVfDriver,
} from '../../src';
import { AppRegistry } from '../../src/core/app-registry';
import { find, newChart, synthApp, testUpstream, upstreamFile } from '../util';

function prep(props: QatNodePrepProps = {}, setup?: (chart: Chart) => void) {
  const { app, chart } = newChart();
  setup?.(chart);
  const p = new QatNodePrep(chart, 'qat', props);
  return { app, chart, prep: p, objects: synthApp(app) };
}

/** The objects QatNodePrep itself emits (NFD, when created, has its own). */
function own(p: QatNodePrep): string[] {
  return p.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject)
    .map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.name}`);
}

const PF_LABEL = 'atls.feature.node.kubernetes.io/qat-pf';

function intelQatRule(): any {
  return YAML.parseAllDocuments(upstreamFile('reference', 'intel-nfd-node-feature-rules-v0.36.0.yaml')).map((d) => d.toJSON())
    .flatMap((d) => d.spec.rules).find((r: any) => r.name === 'intel.qat');
}

/** The PCI device ids a rule of QatNodePrep matches. */
function ruleDevices(objects: any[], name: string): string[] {
  return find(objects, 'NodeFeatureRule', name).spec.rules[0].matchFeatures.find((f: any) => f.feature === 'pci.device').matchExpressions.device.value;
}

describe('QAT generations: the nodes labelled are those whose VFs the plugin advertises for Envoy', () => {
  test('Gen6 (4948) only when the plugin registers 6xxxvf VFs', () => {
    const { objects } = prep({ kernelVfDrivers: [QatVfDriver.DRIVER_4XXXVF, QatVfDriver.DRIVER_6XXXVF] });
    expect(ruleDevices(objects, 'atls-qat-ready')).toEqual(['4940', '4942', '4944', '4948']);
    expect(ruleDevices(objects, 'atls-qat-pf')).toEqual(['4940', '4942', '4944', '4948']);
    expect(find(objects, 'DaemonSet', 'intel-qat-plugin').spec.template.spec.initContainers[0].env[1].value).toBe('4940 4942 4944 4948');
  });

  test('C62x alone (c6xxvf) is an error naming the prop: its VFs never get qat.intel.com/cy', () => {
    expect(() => prep({ kernelVfDrivers: [QatVfDriver.DRIVER_C6XXVF] }))
      .toThrow(/test\/qat\/DevicePlugin: \[ATLS-QAT002\] kernelVfDrivers: none of c6xxvf serves Envoy/);
  });

  test('C62x next to Gen4 adds no C62x PF to the rules', () => {
    const { objects } = prep({ kernelVfDrivers: [QatVfDriver.DRIVER_C6XXVF, QatVfDriver.DRIVER_420XXVF] });
    expect(ruleDevices(objects, 'atls-qat-ready')).toEqual(['4946']);
  });
});

describe('the default QatNodePrep', () => {
  const { objects, prep: p, app } = prep();

  test('emits the plugin, its config and namespace, both node rules and the host preparation', () => {
    expect(own(p)).toEqual([
      'Namespace//inteldeviceplugins-system',
      'ConfigMap/inteldeviceplugins-system/qat-config',
      'DaemonSet/inteldeviceplugins-system/intel-qat-plugin',
      'NodeFeatureRule//atls-qat-ready',
      'NodeFeatureRule//atls-qat-pf',
      'DaemonSet/inteldeviceplugins-system/qat-host-prep',
    ]);
  });

  testUpstream('the readiness rule is Intel\'s intel.qat rule, field by field, narrowed to the PFs whose VFs serve Envoy', () => {
    const upstream = intelQatRule();
    const rule = find(objects, 'NodeFeatureRule', 'atls-qat-ready');
    // Intel's also lists C62x (37c8), whose VFs the plugin never advertises as qat.intel.com/cy, and
    // 6xxx (4948), whose VFs the plugin's default -kernel-vf-drivers leaves out.
    const pci = upstream.matchFeatures.find((f: any) => f.feature === 'pci.device');
    expect(pci.matchExpressions.device.value).toEqual(['37c8', '4940', '4942', '4944', '4946', '4948']);
    pci.matchExpressions.device.value = ['4940', '4942', '4944', '4946'];
    expect(rule.spec.rules).toEqual([upstream]);
    expect(upstream.labels).toEqual({ [QatDevicePlugin.READY_LABEL]: 'true' });
  });

  testUpstream('the PF-presence rule has the same PCI match and no module condition (host prep loads vfio-pci)', () => {
    const rule = find(objects, 'NodeFeatureRule', 'atls-qat-pf');
    const ready = find(objects, 'NodeFeatureRule', 'atls-qat-ready');
    expect(rule.spec.rules).toEqual([{
      name: 'atls.qat-pf',
      labels: { [PF_LABEL]: 'true' },
      matchFeatures: [ready.spec.rules[0].matchFeatures.find((f: any) => f.feature === 'pci.device')],
    }]);
    expect(rule.spec.rules[0].matchFeatures[0].matchExpressions).toEqual({
      vendor: { op: 'In', value: ['8086'] },
      class: { op: 'In', value: ['0b40'] },
      device: { op: 'In', value: ['4940', '4942', '4944', '4946'] },
    });
  });

  test('the plugin selects on readiness plus amd64; host prep on PF presence, never on readiness or pci-0b40_8086', () => {
    expect(find(objects, 'DaemonSet', 'intel-qat-plugin').spec.template.spec.nodeSelector)
      .toEqual({ [QatDevicePlugin.READY_LABEL]: 'true', 'kubernetes.io/arch': 'amd64' });
    const selector = find(objects, 'DaemonSet', 'qat-host-prep').spec.template.spec.nodeSelector;
    expect(selector).toEqual({ [PF_LABEL]: 'true', 'kubernetes.io/arch': 'amd64' });
    expect(JSON.stringify(objects)).not.toContain('pci-0b40_8086');
  });

  test('host preparation: one privileged pod in the host PID namespace running the script, no API token', () => {
    const ds = find(objects, 'DaemonSet', 'qat-host-prep');
    const pod = ds.spec.template.spec;
    expect(ds.metadata.namespace).toBe('inteldeviceplugins-system');
    expect(pod.hostPID).toBe(true);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.containers).toHaveLength(1);
    expect(pod.containers[0].securityContext).toEqual({ privileged: true });
    expect(pod.containers[0].image).toBe('docker.io/library/busybox:1.37.0');
    expect(pod.containers[0].command[4]).toBe(fs.readFileSync(path.join(__dirname, '..', '..', 'assets', 'qat-host-prep.sh'), 'utf8'));
    new DaemonSet(ds).validate();
  });

  test('the gateways\' check finds the app\'s plugin and reads the resources it advertises', () => {
    expect(AppRegistry.of(app).lookup(QatDevicePlugin)?.resourceNames).toEqual(['qat.intel.com/cy']);
  });

  test('NFD is created in the chart when the app has none', () => {
    expect(AppRegistry.of(app).lookup(NodeFeatureDiscovery)).toBeInstanceOf(NodeFeatureDiscovery);
  });
});

testUpstream('NodeFeatureRules validate against the NFD v0.19.0 CRD schema', () => {
  const crd = YAML.parseAllDocuments(upstreamFile('crds', 'nfd-v0.19.0-api-crds.yaml')).map((d) => d.toJSON())
    .find((d) => d?.metadata?.name === 'nodefeaturerules.nfd.k8s-sigs.io');
  const schema = crd.spec.versions.find((v: any) => v.name === 'v1alpha1').schema.openAPIV3Schema;
  const ajv = new Ajv({ allErrors: true, strict: false, unknownFormats: 'ignore' } as any);
  const validate = ajv.compile(schema);
  const rules = prep().objects.filter((o) => o.kind === 'NodeFeatureRule');
  expect(rules).toHaveLength(2);
  for (const r of rules) {
    expect({ name: r.metadata.name, errors: validate(r) ? null : validate.errors }).toEqual({ name: r.metadata.name, errors: null });
  }
  // The validator does catch a broken rule.
  expect(validate({ ...rules[0], spec: { rules: [{ name: 'x', matchFeatures: [{ feature: 1 }] }] } })).toBe(false);
});

test('with NFD declared existing, nothing of NFD is created but the rules are', () => {
  const { prep: p, app } = prep({}, (chart) => NodeFeatureDiscovery.useExisting(chart));
  expect(AppRegistry.of(app).lookup(NodeFeatureDiscovery)).toBeUndefined();
  expect(own(p).filter((o) => o.startsWith('NodeFeatureRule'))).toHaveLength(2);
});

test('the app\'s NFD instance is reused', () => {
  const { app, prep: p } = prep({}, (chart) => new NodeFeatureDiscovery(chart, 'nfd'));
  expect(AppRegistry.of(app).lookup(NodeFeatureDiscovery)!.node.path).toBe('test/nfd');
  expect(p.node.findAll().some((c) => c instanceof NodeFeatureDiscovery)).toBe(false);
});

test('host preparation is opt-out: no PF rule and no privileged DaemonSet', () => {
  const { prep: p } = prep({ prepareHosts: false });
  expect(own(p)).toEqual([
    'Namespace//inteldeviceplugins-system',
    'ConfigMap/inteldeviceplugins-system/qat-config',
    'DaemonSet/inteldeviceplugins-system/intel-qat-plugin',
    'NodeFeatureRule//atls-qat-ready',
  ]);
  expect(p.hostPrep).toBeUndefined();
});

test('steps, runtime, limit and tolerations reach the host-prep DaemonSet', () => {
  const tolerations = [{ key: 'qat', operator: 'Exists' }];
  const { objects } = prep({
    namespace: 'qat-system',
    tolerations,
    hostPrep: { loadVfioPci: false, vfioUid: 101, containerRuntime: ContainerRuntime.CRIO, memlockBytes: 268435456 },
  });
  const pod = find(objects, 'DaemonSet', 'qat-host-prep').spec.template.spec;
  expect(pod.containers[0].env).toEqual([
    { name: 'QAT_PREP_LOAD_VFIO_PCI', value: 'false' },
    { name: 'QAT_PREP_VFIO_OWNER', value: '101' },
    { name: 'QAT_PREP_RUNTIME', value: 'crio' },
    { name: 'QAT_PREP_DEVICE_OWNERSHIP', value: 'false' },
    { name: 'QAT_PREP_MEMLOCK', value: '268435456' },
  ]);
  expect(pod.tolerations).toEqual(tolerations);
  expect(find(objects, 'DaemonSet', 'intel-qat-plugin').spec.template.spec.tolerations).toEqual(tolerations);
  expect(find(objects, 'DaemonSet', 'qat-host-prep').metadata.namespace).toBe('qat-system');
});

test.each<[string, QatNodePrepProps, RegExp]>([
  ['hostPrep without prepareHosts', { prepareHosts: false, hostPrep: { vfioUid: 1 } }, /test\/qat: \[ATLS-QAT002\] hostPrep: needs prepareHosts/],
  ['every step off', { hostPrep: { loadVfioPci: false, vfioAccess: false, raiseMemlock: false } }, /test\/qat\/HostPrep: \[ATLS-QAT002\] loadVfioPci: every host preparation step is off/],
  ['vfioUid', { hostPrep: { vfioUid: -1 } }, /test\/qat\/HostPrep: \[ATLS-QAT002\] vfioUid: -1 is not an integer/],
  ['vfioUid without vfioAccess', { hostPrep: { vfioAccess: false, vfioUid: 5 } }, /HostPrep: \[ATLS-QAT002\] vfioUid: needs vfioAccess/],
  ['memlockBytes', { hostPrep: { memlockBytes: 4096 } }, /HostPrep: \[ATLS-QAT002\] memlockBytes: 4096 is not an integer of at least 1048576/],
  ['memlockBytes without raiseMemlock', { hostPrep: { raiseMemlock: false, memlockBytes: 2 ** 27 } }, /HostPrep: \[ATLS-QAT002\] memlockBytes: needs raiseMemlock/],
  ['containerRuntime', { hostPrep: { containerRuntime: 'docker' as ContainerRuntime } }, /HostPrep: \[ATLS-ENUM001\] containerRuntime: 'docker' is not one of containerd, crio/],
])('%s is refused at once, naming the prop', (_name, props, message) => {
  expect(() => prep(props)).toThrow(message);
});

test('property: any host-prep options synthesize or throw an error naming the prop', () => {
  fc.assert(fc.property(
    fc.record({
      loadVfioPci: fc.boolean(),
      vfioAccess: fc.boolean(),
      vfioUid: fc.oneof(fc.integer(), fc.double(), fc.constant(65532)),
      raiseMemlock: fc.boolean(),
      memlockBytes: fc.oneof(fc.integer({ min: -1, max: 2 ** 40 }), fc.double()),
      containerRuntime: fc.oneof(fc.constantFrom(...Object.values(ContainerRuntime)), fc.string()),
      image: fc.string({ minLength: 1 }),
    }, { requiredKeys: [] }),
    fc.constantFrom(...[QatServices.CRYPTO, QatServices.ASYM, QatServices.COMPRESSION]),
    fc.boolean(),
    (hostPrep, services, prepareHosts) => {
      try {
        const { objects } = prep({ hostPrep: hostPrep as any, services, prepareHosts });
        for (const ds of objects.filter((o) => o.kind === 'DaemonSet')) new DaemonSet(ds).validate();
      } catch (e) {
        const m = (e as Error).message;
        const props = ['hostPrep', ...Object.keys(hostPrep)];
        if (!props.some((k) => m.includes(`] ${k}:`))) throw new Error(`error does not name a prop: ${m}`);
      }
    }), { numRuns: 1000 });
});

test('synthesis is deterministic', () => {
  const once = () => {
    const app = Testing.app();
    new QatNodePrep(new Chart(app, 'qat-node-prep'), 'qat', { hostPrep: { containerRuntime: ContainerRuntime.CRIO } });
    return JSON.stringify(synthApp(app));
  };
  expect(once()).toBe(once());
});

test('QatHostPrep can be used on its own, e.g. with a node selector of one\'s own', () => {
  const { app, chart } = newChart();
  new QatHostPrep(chart, 'prep', { nodeSelector: { 'example.com/qat': 'yes' } });
  expect(find(synthApp(app), 'DaemonSet').spec.template.spec.nodeSelector).toEqual({ 'example.com/qat': 'yes' });
});
