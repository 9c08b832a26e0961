// A throw-away self-signed certificate made now with openssl (never committed, so it never
// expires under the tests): shared by the conformance stages and the unit tests (plain CommonJS).
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** `keyArgs` are openssl -newkey arguments, e.g. `rsa:2048`; `opts.extra` more `openssl req` arguments. */
function makeCert(keyArgs, opts = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atls-cert-'));
  const key = path.join(dir, 'tls.key');
  const crt = path.join(dir, 'tls.crt');
  try {
    execFileSync('openssl', ['req', '-x509', '-nodes', '-newkey', ...keyArgs, '-keyout', key, '-out', crt,
      '-days', String(opts.days ?? 30), '-subj', `/CN=${opts.cn ?? 'www.example.com'}`, ...(opts.extra ?? [])], { stdio: 'ignore' });
    return { certificatePem: fs.readFileSync(crt, 'utf8'), privateKeyPem: fs.readFileSync(key, 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { makeCert };
