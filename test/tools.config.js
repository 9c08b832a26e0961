// Jest configuration of `npx projen test:tools`: the suites `npx projen test` leaves out
// (*.tools.test.ts: they build Go tools or install linters into .cache/tools), with the rest of the
// project's configuration unchanged (snapshots, --ci, the skip notices).
'use strict';
const path = require('node:path');
const { TOOLS_SUITES } = require('./util/skip-notices');

const base = require('../package.json').jest;
if (!base.testPathIgnorePatterns.includes(TOOLS_SUITES)) {
  throw new Error(`package.json's jest.testPathIgnorePatterns no longer lists ${TOOLS_SUITES}: see .projenrc.ts`);
}

module.exports = {
  ...base,
  rootDir: path.join(__dirname, '..'),
  testMatch: ['<rootDir>/test/**/*.tools.test.ts'],
  testPathIgnorePatterns: base.testPathIgnorePatterns.filter((p) => p !== TOOLS_SUITES),
  // Coverage is the unit suites' measure; a partial run would overwrite their report.
  collectCoverage: false,
  reporters: ['default', ['jest-junit', { outputDirectory: 'test-reports', outputName: 'junit-tools.xml' }]],
};
