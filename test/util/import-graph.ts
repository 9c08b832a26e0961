// The import graph of src/: files as rooms, relative imports as arrows. Folders are the units of
// the architecture; a folder's floor is one above the highest folder it imports (a leaf is 1).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/** The source files of a tree, relative path → text (generated bindings left out: they import nothing of ours). */
export function readSources(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, e.name);
      if (e.isDirectory() && rel !== 'imports') walk(rel);
      else if (e.isFile() && e.name.endsWith('.ts')) out.set(rel, fs.readFileSync(path.join(root, rel), 'utf8'));
    }
  };
  walk('');
  return out;
}

/** File → the files of the tree it imports (type-only imports count: they are arrows too). */
export function fileGraph(files: Map<string, string>): Map<string, string[]> {
  const resolve = (from: string, spec: string): string => {
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
    // The generated bindings are one node, whichever module is imported.
    if (base === 'imports' || base.startsWith('imports/')) return 'imports/';
    const found = [`${base}.ts`, `${base}/index.ts`].find((candidate) => files.has(candidate));
    if (found === undefined) throw new Error(`${from}: '${spec}' is not a file of the tree`);
    return found;
  };
  const graph = new Map<string, string[]>();
  for (const [file, text] of files) {
    const targets = ts.preProcessFile(text, true, true).importedFiles
      .map((i) => i.fileName)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => resolve(file, spec));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** The unit a file belongs to: its top-level folder under src/, or the file itself at the top. */
export function unitOf(file: string): string {
  const slash = file.indexOf('/');
  return slash < 0 ? file : `${file.slice(0, slash)}/`;
}

/** The graph between units (folders and top-level files); arrows inside one folder are left out. */
export function unitGraph(files: Map<string, string>, graph = fileGraph(files)): Map<string, string[]> {
  const units = new Map<string, Set<string>>();
  for (const [file, targets] of graph) {
    const from = unitOf(file);
    const set = units.get(from) ?? new Set<string>();
    units.set(from, set);
    for (const t of targets) if (unitOf(t) !== from) set.add(unitOf(t));
  }
  if (!units.has('imports/')) units.set('imports/', new Set());
  return new Map([...units].map(([u, s]) => [u, [...s].sort()]));
}

/** A cycle (its nodes, the first repeated at the end), or undefined. */
export function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === 'done') return undefined;
    if (state.get(n) === 'open') return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 'open');
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      const c = visit(m);
      if (c) return c;
    }
    stack.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of graph.keys()) {
    const c = visit(n);
    if (c) return c;
  }
  return undefined;
}

/** Each node's floor (a leaf is 1) and the longest chain from the top; the graph must be acyclic. */
export function floors(graph: Map<string, string[]>): { floor: Map<string, number>; chain: string[] } {
  const floor = new Map<string, number>();
  const below = new Map<string, string | undefined>();
  const height = (n: string): number => {
    const known = floor.get(n);
    if (known !== undefined) return known;
    if (below.has(n)) throw new Error(`floors of a cyclic graph: ${n} stands above itself`);
    below.set(n, undefined);
    let best = 0;
    let next: string | undefined;
    for (const m of graph.get(n) ?? []) {
      const h = height(m);
      if (h > best) { best = h; next = m; }
    }
    floor.set(n, best + 1);
    below.set(n, next);
    return best + 1;
  };
  for (const n of graph.keys()) height(n);
  let top: string | undefined = [...floor].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
  const chain: string[] = [];
  while (top !== undefined) { chain.push(top); top = below.get(top); }
  return { floor, chain };
}
