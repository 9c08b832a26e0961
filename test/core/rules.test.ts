// The rule catalogue, acknowledgements, the message format and the two levels.
import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { acknowledge, RuleLevel, Rules } from '../../src';
import { AppRegistry } from '../../src/core/app-registry';
import { RULE_CATALOG } from '../../src/core/rule-catalog';
import { finding, ruleError, ruleMessage } from '../../src/core/rules';

test('every rule has a unique id, a description and a level; the warnings are these, each acknowledgeable', () => {
  const ids = Rules.ALL.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids).toEqual(Object.keys(RULE_CATALOG));
  for (const r of Rules.ALL) expect(r.id).toMatch(/^ATLS-[A-Z]+\d{3}$/);
  const warnings = Rules.ALL.filter((r) => r.level === RuleLevel.WARNING);
  expect(warnings.map((r) => r.id)).toEqual(['ATLS-GW008', 'ATLS-KEY004', 'ATLS-KEY007', 'ATLS-KEY008', 'ATLS-CERT005', 'ATLS-QAT003']);
  expect(warnings.filter((r) => !r.acknowledgeable)).toEqual([]);
});

test('messages start with the construct path (or the factory), then the rule id and the prop', () => {
  const chart = new Chart(Testing.app(), 'c');
  expect(ruleMessage('ATLS-GW001', chart, 'listeners', 'at least one')).toBe('c: [ATLS-GW001] listeners: at least one');
  expect(ruleError('ATLS-CERT004', 'TlsCertificate', 'size', 'too small').message).toBe('TlsCertificate: [ATLS-CERT004] size: too small');
});

test('a finding carries its rule\'s level, and an acknowledgement on a scope above silences it', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'c');
  expect(finding('ATLS-KEY004', chart, 'p', 'd')).toEqual({ level: 'warning', message: 'c: warning [ATLS-KEY004] p: d' });
  expect(finding('ATLS-KEY002', chart, 'p', 'd')?.level).toBe('error');
  acknowledge(app, 'ATLS-KEY002', 'RSA only in this cluster');
  expect(finding('ATLS-KEY002', chart, 'p', 'd')).toBeUndefined();
  expect(Rules.acknowledgementOf(chart, 'ATLS-KEY002')).toEqual({ ruleId: 'ATLS-KEY002', reason: 'RSA only in this cluster', path: '' });
  // Non-acknowledgeable rules are never silenced.
  expect(finding('ATLS-KEY003', chart, 'p', 'd')?.level).toBe('error');
});

test('unknown, non-acknowledgeable and reason-less acknowledgements are refused, naming the scope', () => {
  const chart = new Chart(Testing.app(), 'c');
  expect(() => Rules.acknowledge(chart, 'ATLS-NOPE', 'x')).toThrow(/^c: unknown rule id 'ATLS-NOPE'/);
  expect(() => Rules.acknowledge(chart, 'ATLS-GW001', 'x')).toThrow(/^c: rule ATLS-GW001 cannot be acknowledged/);
  expect(() => Rules.acknowledge(chart, 'ATLS-KEY004', '  ')).toThrow(/^c: acknowledging ATLS-KEY004 needs a reason/);
});

test('an acknowledgement is recorded in the construct\'s metadata, and applies to that construct and below only', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'c');
  const sibling = new Chart(app, 's');
  acknowledge(chart, 'ATLS-KEY004', 'declared elsewhere');
  expect(chart.node.metadata.map((m) => ({ type: m.type, data: m.data })))
    .toEqual([{ type: 'cdk8s-accelerated-tls:acknowledgement', data: { ruleId: 'ATLS-KEY004', reason: 'declared elsewhere' } }]);
  expect(finding('ATLS-KEY004', new Construct(chart, 'below'), 'p', 'd')).toBeUndefined();
  expect(finding('ATLS-KEY004', sibling, 'p', 'd')?.level).toBe('warning');
  // The latest reason on a construct is the one in force.
  acknowledge(chart, 'ATLS-KEY004', 'declared in the Secret\'s chart');
  expect(Rules.acknowledgementOf(chart, 'ATLS-KEY004')?.reason).toBe('declared in the Secret\'s chart');
});

test('a check silenced by an acknowledgement made after a first synth runs again', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'c');
  AppRegistry.of(app).addCheck(() => [finding('ATLS-KEY002', chart, 'p', 'RSA only')]);
  expect(() => app.synthYaml()).toThrow(/c: \[ATLS-KEY002\] p: RSA only/);
  acknowledge(chart, 'ATLS-KEY002', 'software fallback is fine here');
  expect(() => app.synthYaml()).not.toThrow();
});
