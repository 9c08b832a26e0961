#!/usr/bin/env node
// Writes the generated tables of the docs: the rules (from Rules.ALL, the catalogue) into
// docs/rules.md and the pinned versions (from Versions, with their doc comments from
// src/core/versions.ts) into docs/versions.md, each between its markers. The prose around them
// is written by hand. `--check` writes nothing and fails when a table is stale.
// Reads the compiled library (lib/): run after `npx projen compile` (post-compile runs it).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const root = path.resolve(__dirname, '..');

/** A markdown table cell: one line, pipes escaped. */
function cell(text) {
  return String(text).replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

function table(header, rows) {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

/** The rules table: id, level, where, rule, how to fix. */
function rulesTable(rules) {
  return table(['id', 'level', 'where', 'rule', 'how to fix'], rules.map((r) => [
    `\`${r.id}\``, r.acknowledgeable ? `${r.level}, acknowledgeable` : r.level, r.where, r.description, r.fix,
  ]));
}

/** Each `Versions` constant's doc comment (its first paragraph), read from the source. */
function versionDocs(source) {
  const file = ts.createSourceFile('versions.ts', source, ts.ScriptTarget.Latest, true);
  const docs = new Map();
  const visit = (node) => {
    if (ts.isPropertyDeclaration(node) && ts.isIdentifier(node.name)) {
      const comment = ts.getJSDocCommentsAndTags(node).map((d) => (typeof d.comment === 'string' ? d.comment : '')).join(' ');
      docs.set(node.name.text, comment.split(/\n\s*\n/)[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return docs;
}

/** The pinned-versions table: every public constant of `Versions`, its value and what it pins. */
function versionsTable(Versions, source) {
  const docs = versionDocs(source);
  const names = Object.getOwnPropertyNames(Versions).filter((n) => /^[A-Z][A-Z0-9_]*$/.test(n) && typeof Versions[n] === 'string');
  return table(['constant', 'value', 'what it pins'], names.map((n) => [`\`Versions.${n}\``, `\`${Versions[n]}\``, docs.get(n) ?? '']));
}

/** `text` with the region between `<!-- name:begin -->` and `<!-- name:end -->` replaced by `body`. */
function spliceRegion(text, name, body) {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const b = text.indexOf(begin);
  const e = text.indexOf(end);
  if (b < 0 || e < b || text.indexOf(begin, b + 1) >= 0) throw new Error(`expected one ${begin} … ${end} region`);
  return `${text.slice(0, b + begin.length)}\n${body}\n${text.slice(e)}`;
}

/** The docs files and the tables that go into them, from the library `lib` and the Versions source. */
function targets(lib, versionsSource) {
  return [
    { file: 'docs/rules.md', region: 'rules', title: 'Rules', body: rulesTable(lib.Rules.ALL) },
    { file: 'docs/versions.md', region: 'versions', title: 'Pinned versions', body: versionsTable(lib.Versions, versionsSource) },
  ];
}

function main() {
  const check = process.argv.includes('--check');
  if (!fs.existsSync(path.join(root, 'lib', 'index.js'))) throw new Error('lib/ is missing: run npx projen compile first');
  const lib = require(path.join(root, 'lib'));
  const source = fs.readFileSync(path.join(root, 'src', 'core', 'versions.ts'), 'utf8');
  const stale = [];
  for (const t of targets(lib, source)) {
    const file = path.join(root, t.file);
    const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : `# ${t.title}\n\n<!-- ${t.region}:begin -->\n<!-- ${t.region}:end -->\n`;
    const after = spliceRegion(before, t.region, t.body);
    if (after === before) continue;
    stale.push(t.file);
    if (!check) fs.writeFileSync(file, after);
  }
  if (check && stale.length > 0) {
    console.error(`stale generated tables in ${stale.join(', ')}: run node scripts/docs-tables.js`);
    process.exitCode = 1;
  } else {
    console.log(stale.length > 0 ? `wrote ${stale.join(', ')}` : 'docs tables are up to date');
  }
}

module.exports = { rulesTable, versionsTable, spliceRegion, targets };

if (require.main === module) main();
