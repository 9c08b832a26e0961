// A QAT gateway needs Intel's device plugin: in the app (QatNodePrep, QatDevicePlugin) or declared
// installed (QatDevicePlugin.useExisting). Without either, ATLS-QAT003 warns before a pod stays Pending.
import { App, Chart, Testing } from 'cdk8s';
import { AcceleratedTlsGateway, acknowledge, KeyProvider, QatDevicePlugin, QatNodePrep } from '../../src';
import { find, synthApp } from '../util';
import { LISTENER } from '../util/gateway';

/** Synthesizes an app with one gateway of `provider`; the warnings printed and the objects. */
function synth(provider: KeyProvider, setup: (app: App, chart: Chart) => void = () => undefined) {
  const app = Testing.app();
  const chart = new Chart(app, 'edge');
  new AcceleratedTlsGateway(chart, 'gw', { name: 'eg', provider, listeners: [LISTENER] });
  setup(app, chart);
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    const objects = synthApp(app);
    return { objects, warnings: warn.mock.calls.map((c) => String(c[0])) };
  } finally {
    warn.mockRestore();
  }
}

const QAT003 = /^edge\/gw: warning \[ATLS-QAT003\] provider.resourceName: the app has no QAT device plugin .*Pending; add QatNodePrep .*QatDevicePlugin.useExisting/;

test('a QAT gateway in an app without a device plugin is warned about, and still synthesizes', () => {
  const { warnings } = synth(KeyProvider.qat());
  expect(warnings).toEqual([expect.stringMatching(QAT003)]);
});

test('a software baseline onQatNodes in such an app likewise', () => {
  const { warnings } = synth(KeyProvider.software({ onQatNodes: true }));
  expect(warnings).toEqual([expect.stringMatching(/^edge\/gw: warning \[ATLS-QAT003\] provider.onQatNodes: the app has no QAT device plugin .*\(Python: provider.on_qat_nodes\)$/)]);
});

test('QatNodePrep, QatDevicePlugin or useExisting satisfies it; other gateways never get it', () => {
  expect(synth(KeyProvider.qat(), (_app, chart) => new QatNodePrep(chart, 'qat')).warnings).toEqual([]);
  expect(synth(KeyProvider.qat(), (app) => new QatDevicePlugin(new Chart(app, 'plugin'), 'qat')).warnings).toEqual([]);
  expect(synth(KeyProvider.software({ onQatNodes: true }), (app) => QatDevicePlugin.useExisting(app)).warnings).toEqual([]);
  expect(synth(KeyProvider.software()).warnings).toEqual([]);
});

test('the warning is acknowledgeable', () => {
  expect(synth(KeyProvider.qat(), (app) => acknowledge(app, 'ATLS-QAT003', 'the plugin is installed by the platform team')).warnings).toEqual([]);
});

test('useExisting emits nothing; its resourceNames decide ATLS-QAT001 and its nodeSelector places baselines', () => {
  const installed = { resourceNames: ['qat.intel.com/asym'], nodeSelector: { 'node-role/qat': 'yes' } };
  const app = Testing.app();
  const chart = new Chart(app, 'edge');
  QatDevicePlugin.useExisting(app, installed);
  new AcceleratedTlsGateway(chart, 'gw', { name: 'eg', provider: KeyProvider.qat(), listeners: [LISTENER] });
  expect(() => synthApp(app)).toThrow(/edge\/gw: \[ATLS-QAT001\] provider.resourceName: the app's QAT device plugin advertises qat.intel.com\/asym, not qat.intel.com\/cy/);

  const ok = synth(KeyProvider.software({ onQatNodes: true }), (a) => QatDevicePlugin.useExisting(a, installed));
  expect(ok.objects.filter((o) => o.kind === 'DaemonSet')).toEqual([]);
  expect(find(ok.objects, 'EnvoyProxy').spec.provider.kubernetes.envoyDeployment.pod.nodeSelector)
    .toEqual({ 'node-role/qat': 'yes', 'kubernetes.io/arch': 'amd64' });
  expect(synth(KeyProvider.qat({ resourceName: 'qat.intel.com/asym' }), (a) => QatDevicePlugin.useExisting(a, installed)).warnings).toEqual([]);
});

test('useExisting and a plugin construct exclude each other, whichever comes first; its props are checked', () => {
  const a = Testing.app();
  new QatDevicePlugin(new Chart(a, 'p'), 'qat');
  expect(() => QatDevicePlugin.useExisting(a)).toThrow(/\[ATLS-APP002\] useExisting: the app already has QatDevicePlugin at p\/qat \(Python: use_existing\)$/);
  const b = Testing.app();
  const chart = new Chart(b, 'p');
  QatDevicePlugin.useExisting(chart);
  expect(() => new QatNodePrep(chart, 'qat')).toThrow(/p\/qat\/DevicePlugin: \[ATLS-APP002\] id: QatDevicePlugin exists once per app; the app declared it existing \(useExisting\)/);
  expect(() => QatDevicePlugin.useExisting(chart)).toThrow(/\[ATLS-APP002\] useExisting: p already declared the installed QAT device plugin/);
  expect(() => QatDevicePlugin.useExisting(Testing.app(), { resourceNames: [] })).toThrow(/\[ATLS-QAT002\] resourceNames: list at least one/);
  expect(() => QatDevicePlugin.useExisting(Testing.app(), { resourceNames: ['cy'] })).toThrow(/\[ATLS-QAT002\] resourceNames\[0\]: 'cy' is not an extended resource name/);
  expect(() => QatDevicePlugin.useExisting(Testing.app(), { nodeSelector: { 'a b': 'x' } })).toThrow(/\[ATLS-QAT002\] nodeSelector.a b: is not a valid label key/);
});
