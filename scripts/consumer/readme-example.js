// Prints the README's first TypeScript example (the block under "### TypeScript"), byte for byte.
'use strict';
const text = require('node:fs').readFileSync(process.argv[2], 'utf8');
const m = text.match(/### TypeScript\n[\s\S]*?```ts\n([\s\S]*?)```/);
if (!m) {
  console.error('no TypeScript example in the README');
  process.exit(1);
}
process.stdout.write(m[1]);
