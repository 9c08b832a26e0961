import * as fc from 'fast-check';
import { DaemonSet } from 'kubernetes-models/apps/v1';
import { ConfigMap, Namespace } from 'kubernetes-models/v1';
import * as YAML from 'yaml';
import {
  AcceleratedTlsGateway, KeyAlgorithm, KeyProvider, QatAllocationPolicy, QatDevicePlugin, QatDevicePluginProps, QatDpdkDriver,
  QatServices, QatVfDriver, TlsCertificate,
} from '../../src';
import { find, newChart, synthApp, testUpstream, upstreamFile } from '../util';

function plugin(props: QatDevicePluginProps = {}) {
  const { app, chart } = newChart();
  const p = new QatDevicePlugin(chart, 'qat', props);
  return { app, chart, plugin: p, objects: synthApp(app) };
}

/** Every leaf path whose value differs between two JSON documents (arrays by index). */
function diffPaths(a: any, b: any, at = ''): string[] {
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => diffPaths(a[k], b[k], Array.isArray(a) ? `${at}[${k}]` : `${at}.${k}`));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [at];
}

const NS = 'inteldeviceplugins-system';
const READY = 'intel.feature.node.kubernetes.io/qat';

describe('the plugin DaemonSet against the upstream v0.36.0 render', () => {
  testUpstream('with VF setup: the qat_initcontainer overlay, plus exactly the intended differences', () => {
    const ours = find(plugin().objects, 'DaemonSet');
    const upstream = YAML.parse(upstreamFile('reference', 'qat_plugin-v0.36.0-overlay-qat_initcontainer.yaml'));
    // The intended differences, and nothing else:
    expect(diffPaths(upstream, ours)).toEqual([
      '.metadata.namespace', // upstream has none: kubectl's current namespace
      '.spec.template.spec.containers[0].image', // the same image, fully qualified (docker.io/)
      '.spec.template.spec.initContainers[0].env[1]', // ENABLED_QAT_PF_PCIIDS, explicit: the PFs whose VFs serve Envoy
      '.spec.template.spec.initContainers[0].image', // the same image, fully qualified (docker.io/)
      `.spec.template.spec.nodeSelector.${READY}`, // only nodes NFD found ready (PF, intel_qat, vfio-pci)
    ]);
    expect(ours.spec.template.spec.containers[0].image).toBe(`docker.io/${upstream.spec.template.spec.containers[0].image}`);
    expect(ours.spec.template.spec.initContainers[0].image).toBe(`docker.io/${upstream.spec.template.spec.initContainers[0].image}`);
    expect(ours.metadata.namespace).toBe(NS);
    expect(ours.spec.template.spec.initContainers[0].env[1]).toEqual({ name: 'ENABLED_QAT_PF_PCIIDS', value: '4940 4942 4944 4946' });
    expect(ours.spec.template.spec.nodeSelector).toEqual({ [READY]: 'true', 'kubernetes.io/arch': 'amd64' });
  });

  testUpstream('without VF setup: the default kustomization (what the private key provider task applies), plus the same differences', () => {
    const ours = find(plugin({ configureVfs: false }).objects, 'DaemonSet');
    const upstream = YAML.parse(upstreamFile('reference', 'qat_plugin-v0.36.0-default.yaml'));
    expect(diffPaths(upstream, ours)).toEqual(['.metadata.namespace', '.spec.template.spec.containers[0].image', `.spec.template.spec.nodeSelector.${READY}`]);
  });

  test('no plugin args by default, as upstream', () => {
    expect(find(plugin().objects, 'DaemonSet').spec.template.spec.containers[0].args).toBeUndefined();
  });

  test('typed flags become the binary\'s flags', () => {
    const ds = find(plugin({
      dpdkDriver: QatDpdkDriver.VFIO_PCI,
      kernelVfDrivers: [QatVfDriver.DRIVER_4XXXVF, QatVfDriver.DRIVER_420XXVF, QatVfDriver.DRIVER_6XXXVF],
      maxNumDevices: 16,
      allocationPolicy: QatAllocationPolicy.BALANCED,
      logLevel: 4,
    }).objects, 'DaemonSet');
    expect(ds.spec.template.spec.containers[0].args).toEqual([
      '-v=4', '-dpdk-driver=vfio-pci', '-kernel-vf-drivers=4xxxvf,420xxvf,6xxxvf', '-max-num-devices=16', '-allocation-policy=balanced',
    ]);
  });

  test('tolerations and a node selector of one\'s own', () => {
    const tolerations = [{ key: 'qat', operator: 'Exists', effect: 'NoSchedule' }];
    const spec = find(plugin({ tolerations, nodeSelector: { 'node-role/qat': '' } }).objects, 'DaemonSet').spec.template.spec;
    expect(spec.tolerations).toEqual(tolerations);
    expect(spec.nodeSelector).toEqual({ 'node-role/qat': '' });
  });
});

test('the PFs Envoy can use: every Gen4 and later id, from the table by VF driver', () => {
  expect(QatDevicePlugin.PF_DEVICE_IDS).toEqual(['4940', '4942', '4944', '4946', '4948']);
});

describe('VF setup: the qat-config ConfigMap', () => {
  test('defaults to sym;asym, which the plugin advertises as qat.intel.com/cy', () => {
    const { objects, plugin: p } = plugin();
    expect(find(objects, 'ConfigMap')).toEqual({
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'qat-config', namespace: NS }, data: { 'qat.conf': 'ServicesEnabled=sym;asym\n' },
    });
    expect(p.resourceNames).toEqual(['qat.intel.com/cy']);
  });

  test('the DaemonSet mounts it where the init container reads it', () => {
    const spec = find(plugin().objects, 'DaemonSet').spec.template.spec;
    expect(spec.initContainers[0].volumeMounts).toContainEqual({ name: 'qat-config', mountPath: '/qat-init/conf' });
    expect(spec.volumes).toContainEqual({ name: 'qat-config', configMap: { name: 'qat-config', optional: true, defaultMode: 0o440 } });
  });

  test('auto-reset is opt-in', () => {
    expect(find(plugin({ autoReset: true }).objects, 'ConfigMap').data['qat.conf']).toBe('ServicesEnabled=sym;asym\nAutoresetEnabled=on\n');
  });

  test.each([
    [QatServices.CRYPTO, 'qat.intel.com/cy'], [QatServices.ASYM_SYM, 'qat.intel.com/cy'], [QatServices.ASYM, 'qat.intel.com/asym'],
    [QatServices.SYM, 'qat.intel.com/sym'], [QatServices.COMPRESSION, 'qat.intel.com/dc'], [QatServices.SYM_DC, 'qat.intel.com/sym-dc'],
    [QatServices.ASYM_DC, 'qat.intel.com/asym-dc'], [QatServices.DCC, 'qat.intel.com/dcc'], [QatServices.DECOMP, 'qat.intel.com/decomp'],
    [QatServices.ASYM_SYM_DC, 'qat.intel.com/asym-sym-dc'], [QatServices.ASYM_SYM_DECOMP, 'qat.intel.com/asym-sym-decomp'],
  ])('services %p advertise %s (the plugin\'s naming)', (services, resource) => {
    expect(services.resourceName).toBe(resource);
  });

  test('without VF setup there is no ConfigMap and the kernel\'s mix applies: cy and dc', () => {
    const { objects, plugin: p } = plugin({ configureVfs: false });
    expect(objects.filter((o) => o.kind === 'ConfigMap')).toEqual([]);
    expect(p.resourceNames).toEqual(['qat.intel.com/cy', 'qat.intel.com/dc']);
  });

  test('Gen6-only services need the 6xxxvf driver, which the plugin leaves out by default', () => {
    expect(() => plugin({ services: QatServices.ASYM_SYM_DC })).toThrow(/test\/qat: \[ATLS-QAT002\] kernelVfDrivers: 'asym;sym;dc' exists on Gen6/);
    expect(() => plugin({ services: QatServices.DECOMP, kernelVfDrivers: [QatVfDriver.DRIVER_4XXXVF] })).toThrow(/test\/qat: \[ATLS-QAT002\] services:/);
    expect(() => plugin({ services: QatServices.DECOMP, kernelVfDrivers: [QatVfDriver.DRIVER_6XXXVF] })).not.toThrow();
  });
});

test('the namespace is created with the Pod Security level that admits the privileged pods, and why', () => {
  const ns = find(plugin().objects, 'Namespace');
  expect(ns.metadata.name).toBe(NS);
  expect(ns.metadata.labels).toEqual({ 'pod-security.kubernetes.io/enforce': 'privileged' });
  expect(ns.metadata.annotations['cdk8s-accelerated-tls/pod-security-reason']).toMatch(/privileged/);
  expect(plugin({ createNamespace: false }).objects.filter((o) => o.kind === 'Namespace')).toEqual([]);
});

test('every object validates against the Kubernetes schema', () => {
  for (const props of [{}, { configureVfs: false }, { maxNumDevices: 4, tolerations: [{ operator: 'Exists' }] }]) {
    const objects = plugin(props).objects;
    new DaemonSet(find(objects, 'DaemonSet')).validate();
    new Namespace(find(objects, 'Namespace')).validate();
    for (const cm of objects.filter((o) => o.kind === 'ConfigMap')) new ConfigMap(cm).validate();
  }
});

describe('the resource a QAT gateway requests must be one the plugin advertises (ATLS-QAT001)', () => {
  const cert = TlsCertificate.fromSecretName('c', { keyAlgorithm: KeyAlgorithm.RSA_2048 });
  const gatewayWith = (services: QatServices | undefined, resourceName?: string) => {
    const { app, chart } = newChart();
    new QatDevicePlugin(chart, 'qat', services ? { services } : { configureVfs: false });
    new AcceleratedTlsGateway(chart, 'gw', { name: 'eg', provider: KeyProvider.qat({ resourceName }), listeners: [{ certificate: cert, backend: { serviceName: 'b', port: 80 } }] });
    return () => synthApp(app);
  };

  test('the default pairing (sym;asym, qat.intel.com/cy) synthesizes', () => {
    expect(gatewayWith(QatServices.CRYPTO)).not.toThrow();
    expect(gatewayWith(undefined)).not.toThrow();
  });

  test('compression-only VFs under a QAT gateway fail at synth, naming the gateway and prop', () => {
    expect(gatewayWith(QatServices.COMPRESSION)).toThrow(
      /test\/gw: \[ATLS-QAT001\] provider.resourceName: the app's QAT device plugin advertises qat.intel.com\/dc, not qat.intel.com\/cy/);
  });

  test('a gateway requesting what the plugin advertises is fine', () => {
    expect(gatewayWith(QatServices.ASYM, 'qat.intel.com/asym')).not.toThrow();
    expect(gatewayWith(QatServices.ASYM, 'qat.intel.com/cy')).toThrow(/ATLS-QAT001/);
  });
});

test('one plugin per app', () => {
  const { chart } = plugin();
  expect(() => new QatDevicePlugin(chart, 'again')).toThrow(/test\/again: \[ATLS-APP002\] id: QatDevicePlugin exists once per app; test\/qat already defines it/);
});

test.each<[string, QatDevicePluginProps, RegExp]>([
  ['namespace', { namespace: 'Bad_NS' }, /test\/qat: \[ATLS-NAME001\] namespace:/],
  ['maxNumDevices', { maxNumDevices: 0 }, /test\/qat: \[ATLS-QAT002\] maxNumDevices: 0 is not an integer/],
  ['logLevel', { logLevel: 1.5 }, /test\/qat: \[ATLS-QAT002\] logLevel:/],
  ['kernelVfDrivers', { kernelVfDrivers: [] }, /test\/qat: \[ATLS-QAT002\] kernelVfDrivers: list at least one/],
  ['kernelVfDrivers[1]', { kernelVfDrivers: [QatVfDriver.DRIVER_4XXXVF, 'nope' as QatVfDriver] }, /test\/qat: \[ATLS-ENUM001\] kernelVfDrivers\[1\]: 'nope' is not one of/],
  ['duplicate drivers', { kernelVfDrivers: [QatVfDriver.DRIVER_4XXXVF, QatVfDriver.DRIVER_4XXXVF] }, /kernelVfDrivers: duplicate/],
  ['dpdkDriver', { dpdkDriver: 'uio' as QatDpdkDriver }, /dpdkDriver: 'uio' is not one of igb_uio, vfio-pci|dpdkDriver: 'uio' is not one of vfio-pci, igb_uio/],
  ['allocationPolicy', { allocationPolicy: 'random' as QatAllocationPolicy }, /test\/qat: \[ATLS-ENUM001\] allocationPolicy: 'random'/],
  ['enabledPfIds', { enabledPfIds: ['0x4940'] }, /enabledPfIds\[0\]: '0x4940' is not a PCI device id/],
  ['image', { image: 'intel/plugin latest' }, /test\/qat: \[ATLS-IMG002\] image: 'intel\/plugin latest' is not an image reference/],
  ['initImage', { initImage: '' }, /test\/qat: \[ATLS-IMG002\] initImage: '' is not an image reference/],
  ['nodeSelector', { nodeSelector: { 'a b': 'x' } }, /nodeSelector.a b: is not a valid label key/],
  ['configureVfs', { configureVfs: false, services: QatServices.CRYPTO }, /configureVfs: services, autoReset/],
])('a bad %s is refused at once, naming the prop', (_name, props, message) => {
  expect(() => plugin(props)).toThrow(message);
});

test('property: any flag values synthesize or throw an error naming the prop', () => {
  const drivers = Object.values(QatVfDriver);
  fc.assert(fc.property(
    fc.record({
      maxNumDevices: fc.oneof(fc.integer(), fc.double()),
      logLevel: fc.integer({ min: -3, max: 12 }),
      kernelVfDrivers: fc.array(fc.oneof(fc.constantFrom(...drivers), fc.string()), { maxLength: 4 }),
      enabledPfIds: fc.array(fc.oneof(fc.constantFrom('4940', '4948'), fc.hexaString({ minLength: 3, maxLength: 5 })), { maxLength: 3 }),
      namespace: fc.oneof(fc.constant('qat'), fc.string()),
      nodeSelector: fc.dictionary(fc.oneof(fc.constant('kubernetes.io/arch'), fc.string()), fc.oneof(fc.constant('amd64'), fc.string()), { maxKeys: 2 }),
    }, { requiredKeys: [] }),
    (props) => {
      try {
        const ds = find(plugin(props as QatDevicePluginProps).objects, 'DaemonSet');
        new DaemonSet(ds).validate();
      } catch (e) {
        const m = (e as Error).message;
        const named = m.startsWith('test/qat: [ATLS-') && Object.keys(props).some((k) => m.includes(`] ${k}`));
        if (!named) throw new Error(`error does not name a prop: ${m}`);
      }
    }), { numRuns: 1000 });
});
