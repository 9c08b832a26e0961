// Names and quantities derived from props.
import { Duration } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { isDns1035Label } from '../../src/core/formats';
import { cpuCores, dns1035, labelFromId, protoDuration, shortHash } from '../../src/core/names';

test('dns1035 keeps a valid name and shortens a long one with a stable hash', () => {
  expect(dns1035('envoy-default-eg')).toBe('envoy-default-eg');
  expect(dns1035('1abc')).toBe('x1abc');
  const long = `envoy-${'a'.repeat(80)}`;
  const short = dns1035(long);
  expect(short.length).toBeLessThanOrEqual(63);
  expect(isDns1035Label(short)).toBe(true);
  expect(short.endsWith(shortHash(long))).toBe(true);
  expect(dns1035(`${long}b`)).not.toBe(short);
});

test('labelFromId lowercases and replaces what a label cannot hold', () => {
  expect(labelFromId('MyGateway_1')).toBe('mygateway-1');
  expect(labelFromId('x'.repeat(70))).toMatch(/^x{54}-[0-9a-f]{8}$/);
});

test('protoDuration writes seconds with 0, 3, 6 or 9 fractional digits', () => {
  expect(protoDuration(Duration.millis(1))).toBe('0.001s');
  expect(protoDuration(Duration.millis(10))).toBe('0.010s');
  expect(protoDuration(Duration.millis(1500))).toBe('1.500s');
  expect(protoDuration(Duration.seconds(2))).toBe('2s');
  expect(protoDuration(Duration.millis(1.5))).toBe('0.001500s');
  expect(protoDuration(Duration.millis(0.0000015))).toBe('0.000000002s');
});

test('cpuCores reads millicores and cores', () => {
  expect(cpuCores(Cpu.millis(1500))).toBe(1.5);
  expect(cpuCores(Cpu.units(2))).toBe(2);
});
