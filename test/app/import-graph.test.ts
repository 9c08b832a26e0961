// The architecture as a graph: src/ is index.ts and folders, one per concern; the folders import
// each other without a circle and stand at most 10 floors high; no file imports itself round.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileGraph, findCycle, floors, readSources, unitGraph } from '../util/import-graph';

const SRC = path.join(__dirname, '..', '..', 'src');
const MAX_FLOORS = 10;

/** What is wrong with a tree's imports: a folder cycle, a file cycle, too many floors. */
function problems(files: Map<string, string>): string[] {
  const out: string[] = [];
  const files_ = fileGraph(files);
  const fileCycle = findCycle(files_);
  if (fileCycle) out.push(`file cycle: ${fileCycle.join(' → ')}`);
  const units = unitGraph(files, files_);
  const unitCycle = findCycle(units);
  if (unitCycle) return [...out, `folder cycle: ${unitCycle.join(' → ')}`];
  const { chain } = floors(units);
  if (chain.length > MAX_FLOORS) out.push(`${chain.length} floors: ${chain.join(' → ')}`);
  return out;
}

const sources = readSources(SRC);

test('src/ holds index.ts and folders only, each folder with its barrel', () => {
  const entries = fs.readdirSync(SRC, { withFileTypes: true });
  expect(entries.filter((e) => !e.isDirectory()).map((e) => e.name)).toEqual(['index.ts']);
  const folders = entries.filter((e) => e.isDirectory() && e.name !== 'imports').map((e) => e.name);
  expect(folders.sort()).toEqual(['benchmark', 'certificates', 'core', 'envoy-gateway', 'gateway', 'gitops', 'key-providers', 'nfd', 'qat']);
  for (const f of folders) expect(sources.has(`${f}/index.ts`)).toBe(true);
});

test('the folders import each other without a circle, at most 10 floors high', () => {
  expect(problems(sources)).toEqual([]);
  const { floor, chain } = floors(unitGraph(sources));
  // The machinery is the ground floor (it imports none of the other folders) and the entry point the roof.
  expect(unitGraph(sources).get('core/')!.filter((u) => u !== 'imports/')).toEqual([]);
  expect(floor.get('core/')).toBe(1);
  expect(chain[0]).toBe('index.ts');
  expect(chain.length).toBeLessThanOrEqual(MAX_FLOORS);
});

test('the guard and its CEL stand below the gateway: they import its patch shape, not its routes', () => {
  const units = unitGraph(sources);
  expect(units.get('envoy-gateway/')).not.toContain('gateway/');
  expect(units.get('key-providers/')).not.toContain('gateway/');
  const files = fileGraph(sources);
  expect([...files.get('envoy-gateway/patch-policy-cel.ts')!].sort()).toEqual(['envoy-gateway/patch-shape.ts', 'key-providers/config-types.ts']);
});

describe('negative controls: the same check on a tree with one import added', () => {
  const withImport = (file: string, spec: string): Map<string, string> => {
    const copy = new Map(sources);
    copy.set(file, `import '${spec}';\n${copy.get(file)}`);
    return copy;
  };

  test('a folder importing a folder above it is a circle', () => {
    const found = problems(withImport('core/names.ts', '../gateway'));
    expect(found.some((p) => p.startsWith('folder cycle:') && p.includes('core/') && p.includes('gateway/'))).toBe(true);
  });

  test('names.ts and validation.ts importing each other is a file circle', () => {
    expect(problems(withImport('core/names.ts', './validation'))).toEqual([
      expect.stringMatching(/^file cycle: core\/(names|validation)\.ts → .*core\/(names|validation)\.ts$/),
    ]);
  });

  test('a chain of eleven folders is too high', () => {
    const tower = new Map<string, string>();
    for (let i = 0; i < 11; i++) tower.set(`f${i}/index.ts`, i === 0 ? '' : `import '../f${i - 1}';\n`);
    expect(problems(tower)).toEqual([expect.stringMatching(/^11 floors: f10\/ → f9\/ → .* → f0\/$/)]);
    tower.delete('f10/index.ts');
    expect(problems(tower)).toEqual([]);
  });

  test('an import of a file outside the tree is an error, not a missing arrow', () => {
    expect(() => fileGraph(withImport('core/names.ts', './no-such-file'))).toThrow(/core\/names\.ts: '\.\/no-such-file' is not a file of the tree/);
  });
});
