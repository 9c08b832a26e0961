// Writes every complete TypeScript example of the given Markdown files (and of the .md files
// under the given directories) into <outdir>, one file each: a ```ts block whose first line is an
// import. Other ts blocks are fragments and are skipped. Prints one line per file written:
//   <name> <source file>:<line of the block's first line>
//   usage: snippets.js <outdir> <file.md | dir>...
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const [outdir, ...inputs] = process.argv.slice(2);
if (!outdir || inputs.length === 0) {
  console.error('usage: snippets.js <outdir> <file.md | dir>...');
  process.exit(2);
}

const markdown = (p) => (fs.statSync(p).isDirectory()
  ? fs.readdirSync(p).sort().flatMap((e) => markdown(path.join(p, e)))
  : p.endsWith('.md') ? [p] : []);

fs.mkdirSync(outdir, { recursive: true });
for (const file of inputs.flatMap(markdown)) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const base = file.replace(/\.md$/, '').replace(/[^A-Za-z0-9]+/g, '-').toLowerCase();
  let n = 0;
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```ts\s*$/.exec(lines[i]);
    if (!open) continue;
    const indent = open[1].length;
    let end = i + 1;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end])) end++;
    const body = lines.slice(i + 1, end).map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length)));
    i = end;
    if (!/^import\s/.test(body.find((l) => l.trim() !== '') ?? '')) continue;
    const name = `${base}-${++n}`;
    fs.writeFileSync(path.join(outdir, `${name}.ts`), `${body.join('\n')}\n`);
    console.log(`${name} ${file}:${end - body.length + 1}`);
  }
}
