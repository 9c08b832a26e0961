// Jest globalSetup: one line, once per run, when the tests that compare with upstream data will be skipped.
'use strict';
const { HINT, locateUpstream, missingUpstream } = require('../../upstream/locate');

module.exports = async () => {
  const dir = locateUpstream();
  const missing = missingUpstream(dir);
  if (missing.length > 0 && process.env.ATLS_REQUIRE_UPSTREAM !== '1') {
    process.stderr.write(`\nSKIPPING the tests that compare with upstream data: ${dir} lacks ${missing.length} file(s); ${HINT}.\n`);
  }
};
