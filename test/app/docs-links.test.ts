// Every relative link in the README, CONTRIBUTING.md and docs/ resolves: the file exists, and a
// #anchor names a heading (GitHub's slug) or an explicit anchor of the target file.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
/** A fenced code block: its opening fence, the lines, a closing fence of the same characters. */
const FENCE = /^[ \t]*(`{3,}|~{3,})[^\n]*\n[\s\S]*?^[ \t]*\1[ \t]*$/gm;

/**
 * Pages other changes add; until they land, a link to one may dangle (its anchors are not
 * checked). Once a file exists it is checked like any other; drop it from here then.
 */
const PENDING = new Set<string>([]);

/** The Markdown files whose links are checked, relative to `root`. */
function markdownFiles(root: string): string[] {
  const found = ['README.md', 'CONTRIBUTING.md'].filter((f) => fs.existsSync(path.join(root, f)));
  const walk = (dir: string) => {
    const abs = path.join(root, dir);
    if (!fs.existsSync(abs)) return;
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      const rel = path.posix.join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.md')) found.push(rel);
    }
  };
  walk('docs');
  return found.sort();
}

/** The text outside fenced code blocks and inline code (links there are not links). */
function prose(markdown: string): string {
  return markdown
    .replace(FENCE, '')
    .replace(/(`+)[^`\n]*?\1/g, '');
}

/** GitHub's heading slug: lowercase, punctuation dropped, each space a hyphen. */
function slug(heading: string): string {
  const text = heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1') // a link in a heading: its text
    .replace(/<[^>]+>/g, '')
    .replace(/[`*_~]/g, (c) => (c === '_' ? c : ''));
  return text.toLowerCase().replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '').replace(/\s/g, '-');
}

/** Every anchor a file offers: heading slugs (repeats get -1, -2, ...) and explicit ids/names. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const withoutCode = markdown.replace(FENCE, '');
  for (const m of withoutCode.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const tag of markdown.matchAll(/<a\s[^>]*>/g)) {
    for (const m of tag[0].matchAll(/\b(?:name|id)="([^"]+)"/g)) anchors.add(m[1]);
  }
  return anchors;
}

/** The relative links of the Markdown files under `root`, and each broken one as `file: target (why)`. */
function checkLinks(root: string, pending: Set<string> = new Set()): { checked: number; broken: string[] } {
  const broken: string[] = [];
  let checked = 0;
  const anchorCache = new Map<string, Set<string>>();
  const anchors = (rel: string) => {
    if (!anchorCache.has(rel)) anchorCache.set(rel, anchorsOf(fs.readFileSync(path.join(root, rel), 'utf8')));
    return anchorCache.get(rel)!;
  };
  for (const file of markdownFiles(root)) {
    const text = prose(fs.readFileSync(path.join(root, file), 'utf8'));
    for (const m of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = m[1];
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: ...
      checked++;
      const [filePart, anchor] = target.split('#', 2);
      const rel = filePart === '' ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURI(filePart)));
      if (rel.startsWith('..')) {
        broken.push(`${file}: ${target} (outside the repository)`);
        continue;
      }
      const abs = path.join(root, rel);
      if (!fs.existsSync(abs)) {
        if (!pending.has(rel)) broken.push(`${file}: ${target} (no ${rel})`);
        continue;
      }
      if (anchor === undefined || !rel.endsWith('.md') || fs.statSync(abs).isDirectory()) continue;
      if (!anchors(rel).has(decodeURIComponent(anchor))) broken.push(`${file}: ${target} (no heading #${anchor} in ${rel})`);
    }
  }
  return { checked, broken };
}

const brokenLinks = (root: string, pending?: Set<string>) => checkLinks(root, pending).broken;

test('every relative link and anchor in the README, CONTRIBUTING.md and docs/ resolves', () => {
  const files = markdownFiles(ROOT);
  expect(files).toEqual(expect.arrayContaining(['README.md', 'CONTRIBUTING.md', 'docs/README.md', 'docs/gateway.md']));
  const { checked, broken } = checkLinks(ROOT, PENDING);
  expect(broken).toEqual([]);
  expect(checked).toBeGreaterThan(150); // the pages link to each other: a checker that finds no link would pass on nothing
});

test('GitHub heading slugs', () => {
  expect(slug('What Kubernetes cannot do (check each node)')).toBe('what-kubernetes-cannot-do-check-each-node');
  expect(slug('Generated bindings (`imports/`)')).toBe('generated-bindings-imports');
  expect(slug('Differences from upstream\'s overlay')).toBe('differences-from-upstreams-overlay');
  expect(slug('Set-up: two commands')).toBe('set-up-two-commands');
  expect(slug('A — B')).toBe('a--b');
  expect([...anchorsOf('# Rules\n## Rules\n```sh\n# not a heading\n```\n### X <a name="X" id="pkg.X"></a>\n')])
    .toEqual(['rules', 'rules-1', 'x-', 'X', 'pkg.X']);
});

test('the checker reports a missing file, a missing anchor and a link out of the tree, and nothing in code (the control)', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-links-'));
  try {
    fs.mkdirSync(path.join(root, 'docs'));
    fs.writeFileSync(path.join(root, 'README.md'), [
      '# Title', '', '## Quick start', '',
      'Good: [start](#quick-start), [guide](docs/guide.md#usage), [code](src/), [web](https://example.com/x.md).',
      'Bad: [gone](docs/gone.md), [anchor](docs/guide.md#nowhere), [self](#nowhere-here), [out](../outside.md).',
      'Pending: [later](docs/later.md#any).',
      '`[in code](docs/missing-in-code.md)`', '',
      '```md', '[in a fence](docs/missing-in-fence.md)', '```', '',
    ].join('\n'));
    fs.mkdirSync(path.join(root, 'src'));
    fs.writeFileSync(path.join(root, 'docs', 'guide.md'), '# Guide\n\n## Usage\n\nBack to the [README](../README.md#title).\n');
    expect(brokenLinks(root, new Set(['docs/later.md']))).toEqual([
      'README.md: docs/gone.md (no docs/gone.md)',
      'README.md: docs/guide.md#nowhere (no heading #nowhere in docs/guide.md)',
      'README.md: #nowhere-here (no heading #nowhere-here in README.md)',
      'README.md: ../outside.md (outside the repository)',
    ]);
    // Not pending: the same link is broken.
    expect(brokenLinks(root)).toContain('README.md: docs/later.md#any (no docs/later.md)');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
