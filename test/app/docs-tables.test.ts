// The rules and pinned-versions tables of docs/ are generated from the catalogue and Versions
// (scripts/docs-tables.js, run after every compile): this fails when they drift.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as lib from '../../src';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { rulesTable, spliceRegion, targets, versionsTable } = require('../../scripts/docs-tables');

const ROOT = path.join(__dirname, '..', '..');
const versionsSource = fs.readFileSync(path.join(ROOT, 'src', 'core', 'versions.ts'), 'utf8');
const region = (text: string, name: string) => text.slice(text.indexOf(`<!-- ${name}:begin -->`), text.indexOf(`<!-- ${name}:end -->`));

describe.each(targets(lib, versionsSource) as Array<{ file: string; region: string; body: string }>)('$file', (t) => {
  const text = fs.readFileSync(path.join(ROOT, t.file), 'utf8');

  test('holds the table generated from the library (node scripts/docs-tables.js writes it)', () => {
    expect(region(text, t.region)).toBe(region(spliceRegion(text, t.region, t.body), t.region));
  });

  test('negative control: a table with one cell changed is stale', () => {
    const changed = t.body.replace(/\| [^|\n]+ \|$/m, '| something else |');
    expect(changed).not.toBe(t.body);
    expect(spliceRegion(text, t.region, changed)).not.toBe(text);
  });
});

test('the rules table has every rule with its level, where and fix; the versions table every constant', () => {
  const rules: string = rulesTable(lib.Rules.ALL);
  expect(rules.split('\n')).toHaveLength(lib.Rules.ALL.length + 2);
  for (const r of lib.Rules.ALL) {
    expect(r.where.length).toBeGreaterThan(0);
    expect(r.fix.length).toBeGreaterThan(0);
    expect(rules).toContain(`| \`${r.id}\` | ${r.acknowledgeable ? `${r.level}, acknowledgeable` : r.level} | ${r.where.replace(/\|/g, '\\|')} |`);
  }
  const versions: string = versionsTable(lib.Versions, versionsSource);
  // The constants, not the class's own `name`.
  const constants = Object.getOwnPropertyNames(lib.Versions).filter((n) => n !== 'name' && typeof (lib.Versions as any)[n] === 'string');
  expect(constants.length).toBeGreaterThan(10);
  for (const n of constants) expect(versions).toContain(`| \`Versions.${n}\` | \`${(lib.Versions as any)[n]}\` | `);
  // Every constant has its doc comment's first paragraph.
  expect(versions).toContain(`| \`Versions.ENVOY_GATEWAY\` | \`${lib.Versions.ENVOY_GATEWAY}\` | Envoy Gateway release the manifests are written for`);
});

test('a document without its markers, or with two regions, is an error', () => {
  expect(() => spliceRegion('# Rules\n', 'rules', 'x')).toThrow('expected one <!-- rules:begin --> … <!-- rules:end --> region');
  expect(() => spliceRegion('<!-- rules:begin -->\n<!-- rules:end -->\n<!-- rules:begin -->\n<!-- rules:end -->\n', 'rules', 'x')).toThrow(/expected one/);
});
