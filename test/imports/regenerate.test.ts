import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { plainUndefinedFilter, SPREAD_FILTER, LOOP_FILTER } = require('../../imports/regenerate');
const imports = path.resolve(__dirname, '..', '..', 'src', 'imports');

/** The body of a generated `toJson_*` with `filter` as its last statement, run on `result`. */
function run(filter: string, result: Record<string, unknown>): unknown {
  const js = ts.transpile(`(function (result) { ${filter} })`);
  return eval(js)(result);
}

describe('the undefined filter of the generated toJson functions', () => {
  test('the loop gives what the spread gave: same keys, same order, undefined dropped, null and falsy kept', () => {
    const result = { b: 1, a: undefined, c: null, d: 0, e: '', f: false, g: { x: undefined }, h: [undefined] };
    const spread = run(SPREAD_FILTER, result);
    const loop = run(LOOP_FILTER, result);
    expect(loop).toEqual(spread);
    expect(Object.keys(loop as object)).toEqual(['b', 'c', 'd', 'e', 'f', 'g', 'h']);
    expect(Object.keys(loop as object)).toEqual(Object.keys(spread as object));
  });

  test('every committed module has the loop and no spread left', () => {
    for (const f of fs.readdirSync(imports).filter((x) => x.endsWith('.ts'))) {
      const text = fs.readFileSync(path.join(imports, f), 'utf8');
      expect({ f, spread: text.includes(SPREAD_FILTER), loop: text.includes(LOOP_FILTER) }).toEqual({ f, spread: false, loop: true });
    }
  });

  test('output without the spread filter is an error, not skipped (negative control)', () => {
    expect(plainUndefinedFilter(`a\n  ${SPREAD_FILTER}\nb`, 'x.ts')).toBe(`a\n  ${LOOP_FILTER}\nb`);
    expect(() => plainUndefinedFilter('export function toJson_X() { return {}; }', 'x.ts'))
      .toThrow('x.ts: cdk8s import no longer writes the spread filter of undefined values');
  });
});
