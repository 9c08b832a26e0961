// What messages show: the value as given, the prop in TypeScript and Python spelling, warnings
// marked as such, and one cause reported once.
import { Chart, Testing } from 'cdk8s';
import { AcceleratedTlsGateway, KeyProvider } from '../../src';
import { propName, pythonName, shown } from '../../src/core/messages';
import { finding, ruleMessage } from '../../src/core/rules';
import { checkPort } from '../../src/core/validation';
import { synthApp } from '../util';
import { gateway, LISTENER } from '../util/gateway';

test('a value shows as given: strings quoted, and named as strings where a number was expected', () => {
  expect(shown('443', 'number')).toBe("'443' (a string)");
  expect(shown(443, 'number')).toBe('443');
  expect(shown('eg')).toBe("'eg'");
  expect(shown(443)).toBe('443 (a number)');
  expect(shown(undefined)).toBe('undefined');
  expect(shown({ a: 1 })).toBe('{"a":1}');
});

test('a port given as a string reads as one', () => {
  expect(() => gateway({ listeners: [{ ...LISTENER, port: '443' as any }] }))
    .toThrow("test/gw: [ATLS-GW004] listeners[0].port: '443' (a string) is not a port number (an integer within 1–65535)");
  expect(() => checkPort('c', 'ATLS-GW004', 'port', 70000)).toThrow('c: [ATLS-GW004] port: 70000 is not a port number');
});

test('props are named in TypeScript, with the Python name beside when it differs', () => {
  expect(pythonName('listeners[0].certificate.certificatePem')).toBe('listeners[0].certificate.certificate_pem');
  expect(pythonName('envoy.serviceName')).toBe('envoy.service_name');
  expect(pythonName('provider.resourcesPerReplica')).toBe('provider.resources_per_replica');
  expect(propName('certificatePem')).toBe('certificatePem (Python: certificate_pem)');
  expect(propName('listeners[0].port')).toBe('listeners[0].port');
  expect(ruleMessage('ATLS-NAME001', 'c', 'envoy.serviceName', 'bad')).toBe('c: [ATLS-NAME001] envoy.serviceName: bad (Python: envoy.service_name)');
  expect(ruleMessage('ATLS-GW004', 'c', 'listeners[0].port', 'bad')).toBe('c: [ATLS-GW004] listeners[0].port: bad');
});

test('a warning says "warning"; an error does not read like one', () => {
  const chart = new Chart(Testing.app(), 'c');
  expect(finding('ATLS-KEY004', chart, 'p', 'd')?.message).toBe('c: warning [ATLS-KEY004] p: d');
  expect(finding('ATLS-KEY002', chart, 'p', 'd')?.message).toBe('c: [ATLS-KEY002] p: d');
});

test('two gateways of one name are one error, about the name, not seven', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'edge');
  new AcceleratedTlsGateway(chart, 'a', { name: 'eg', provider: KeyProvider.software(), listeners: [LISTENER] });
  new AcceleratedTlsGateway(chart, 'b', { name: 'eg', provider: KeyProvider.software(), listeners: [LISTENER] });
  let message = '';
  try {
    synthApp(app);
  } catch (e) {
    message = (e as Error).message;
  }
  const errors = message.split('\n').slice(1).map((l) => l.trim());
  expect(errors).toEqual([
    "edge/b: [ATLS-APP001] name: its EnvoyProxy 'envoy-gateway-system/default-eg', GatewayClass 'default-eg', Gateway 'default/eg', "
      + "TCPRoute 'default/eg-tls-443' are also defined by edge/a: give one of the two another name or namespace",
  ]);
  expect(message).not.toContain('createGatewayClass');
});
