// Jest globalSetup: one line, once per run, for each set of tests this run leaves out by design:
// the tests that compare with upstream data when it is missing, and the suites that build Go tools
// or install linters (*.tools.test.ts), which `npx projen test:tools` runs (see test/tools.config.js).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { HINT, missingUpstream, upstreamDirs } = require('../../upstream/locate');

/** The path pattern (package.json's jest.testPathIgnorePatterns) that marks the tools suites. */
const TOOLS_SUITES = '\\.tools\\.test\\.ts$';

/** The tools suites in test/, relative to the repository root. */
function toolsSuites() {
  const root = path.join(__dirname, '..', '..');
  return fs.readdirSync(path.join(root, 'test'), { recursive: true })
    .map((f) => path.join('test', f))
    .filter((f) => new RegExp(TOOLS_SUITES).test(f))
    .sort();
}

async function skipNotices(_globalConfig, projectConfig) {
  const missing = missingUpstream();
  if (missing.length > 0 && process.env.ATLS_REQUIRE_UPSTREAM !== '1') {
    process.stderr.write(`\nSKIPPING the tests that compare with upstream data: ${missing.length} file(s) missing from ${upstreamDirs().join(', ')}; ${HINT}.\n`);
  }
  const tools = toolsSuites();
  if (tools.length > 0 && (projectConfig?.testPathIgnorePatterns ?? []).includes(TOOLS_SUITES)) {
    process.stderr.write(`\nNOT RUN here: ${tools.length} suites that build tools or the package, or install linters (${tools.join(', ')}); run them with npx projen test:tools.\n`);
  }
}

module.exports = skipNotices;
module.exports.TOOLS_SUITES = TOOLS_SUITES;
module.exports.toolsSuites = toolsSuites;
