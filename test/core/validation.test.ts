// The constructor-tier checks: each reports the rule id it is given, the path and the prop.
import { Chart, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { isHostname } from '../../src/core/formats';
import {
  checkCpu, checkDns1035Label, checkEnum, checkHostname, checkImage, checkInt, checkLabel, checkLabelMap, checkPort, checkPositiveInt,
  checkResourceName, checkSubdomain, mebibytes,
} from '../../src/core/validation';

const chart = new Chart(Testing.app(), 'c');

test.each<[string, () => unknown, RegExp]>([
  ['label', () => checkLabel(chart, 'ATLS-NAME001', 'namespace', 'Default'), /^c: \[ATLS-NAME001\] namespace: 'Default' is not a DNS-1123 label/],
  ['subdomain', () => checkSubdomain(chart, 'ATLS-NFD001', 'name', 'a_b'), /^c: \[ATLS-NFD001\] name: 'a_b' is not a DNS-1123 subdomain/],
  ['DNS-1035', () => checkDns1035Label(chart, 'ATLS-NAME001', 'envoy.serviceName', '1x'), /^c: \[ATLS-NAME001\] envoy.serviceName: '1x'/],
  ['hostname', () => checkHostname(chart, 'ATLS-BENCH002', 'hostname', '10.0.0.1'), /^c: \[ATLS-BENCH002\] hostname: '10.0.0.1'/],
  ['port', () => checkPort(chart, 'ATLS-GW004', 'port', 0), /^c: \[ATLS-GW004\] port: 0 is not a port number/],
  ['resource', () => checkResourceName(chart, 'ATLS-NAME001', 'r', 'cy'), /^c: \[ATLS-NAME001\] r: 'cy' is not an extended resource name/],
  ['int', () => checkInt(chart, 'ATLS-QAT002', 'vfioUid', -1, 0), /^c: \[ATLS-QAT002\] vfioUid: -1 is not an integer of at least 0 \(Python: vfio_uid\)$/],
  ['positive int', () => checkPositiveInt(chart, 'ATLS-GW006', 'envoy.replicas', 0), /^c: \[ATLS-GW006\] envoy.replicas: 0 is not a positive integer/],
  ['enum (one id wherever it is checked)', () => checkEnum(chart, 'x', 'b', { A: 'a' }), /^c: \[ATLS-ENUM001\] x: 'b' is not one of a/],
  ['label map key', () => checkLabelMap(chart, 'ATLS-QAT002', 'nodeSelector', { 'a b': 'c' }), /^c: \[ATLS-QAT002\] nodeSelector.a b: is not a valid label key/],
  ['label map value', () => checkLabelMap(chart, 'ATLS-QAT002', 'nodeSelector', { a: 'b c' }), /^c: \[ATLS-QAT002\] nodeSelector.a: 'b c'/],
  ['image (one id wherever it is checked)', () => checkImage(chart, 'image', 'a b'), /^c: \[ATLS-IMG002\] image: 'a b' is not an image reference/],
  ['cpu', () => checkCpu(chart, 'ATLS-BENCH002', 'cpu', Cpu.millis(0)), /^c: \[ATLS-BENCH002\] cpu: must be positive/],
  ['memory', () => mebibytes(chart, 'ATLS-GW006', 'envoy.memory', Size.kibibytes(1536)), /^c: \[ATLS-GW006\] envoy.memory: 1536 KiB/],
  ['factory', () => checkSubdomain('TlsCertificate', 'ATLS-CERT004', 'issuerName', ''), /^TlsCertificate: \[ATLS-CERT004\] issuerName/],
])('%s: a bad value is an error under the given rule', (_, check, message) => {
  expect(check).toThrow(message);
});

test('good values pass through unchanged', () => {
  expect(checkLabel(chart, 'ATLS-NAME001', 'n', 'default')).toBe('default');
  expect(checkHostname(chart, 'ATLS-NAME001', 'h', '*.example.com')).toBe('*.example.com');
  expect(checkPort(chart, 'ATLS-GW004', 'p', 65535)).toBe(65535);
  expect(checkResourceName(chart, 'ATLS-NAME001', 'r', 'qat.intel.com/cy')).toBe('qat.intel.com/cy');
  expect(checkImage(chart, 'image', undefined)).toBeUndefined();
  expect(mebibytes(chart, 'ATLS-GW006', 'm', Size.gibibytes(4))).toBe('4096Mi');
  expect(() => checkLabelMap(chart, 'ATLS-QAT002', 's', { 'kubernetes.io/arch': 'amd64' })).not.toThrow();
});

test('a hostname is a DNS name, optionally with one leading wildcard, never an IP address', () => {
  expect(['a.example.com', '*.example.com', 'localhost'].every(isHostname)).toBe(true);
  expect(['10.0.0.1', 'a.*.com', 'A.example.com', '', `${'a'.repeat(64)}.com`].some(isHostname)).toBe(false);
});
