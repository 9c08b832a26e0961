// Jest globalSetup: one line, once per run, when the tests that compare with upstream data will be skipped.
'use strict';
const { HINT, missingUpstream, upstreamDirs } = require('../../upstream/locate');

module.exports = async () => {
  const missing = missingUpstream();
  if (missing.length > 0 && process.env.ATLS_REQUIRE_UPSTREAM !== '1') {
    process.stderr.write(`\nSKIPPING the tests that compare with upstream data: ${missing.length} file(s) missing from ${upstreamDirs().join(', ')}; ${HINT}.\n`);
  }
};
