import { cdk8s, javascript } from 'projen';
import { lintWorkflows, publishNpmWithOidc, pypiTrustedPublishing, releaseOptions } from './projenrc/release';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-accelerated-tls',
  description: 'cdk8s constructs for hardware-accelerated TLS termination with Envoy Gateway (Intel QAT, AVX-512 CryptoMB)',
  author: 'cdk8s-accelerated-tls contributors',
  authorAddress: 'cdk8s-accelerated-tls@users.noreply.github.com',
  repositoryUrl: 'https://github.com/cdk8s-accelerated-tls/cdk8s-accelerated-tls.git',
  defaultReleaseBranch: 'main',
  keywords: ['cdk8s', 'envoy-gateway', 'tls', 'qat', 'cryptomb', 'avx512', 'node-feature-discovery'],
  cdk8sVersion: '2.70.106',
  constructsVersion: '10.3.0',
  jsiiVersion: '~6.0.0',
  packageManager: javascript.NodePackageManager.NPM,
  // jsii 6.0 needs Node >= 20.16; CI runs Node 20.
  minNodeVersion: '20.16.0',
  // Release bumps with commit-and-tag-version 12 (13 requires Node 22).
  bumpPackage: 'commit-and-tag-version@^12',
  projenrcTs: true,
  // 0.x: the API may still change (jsii writes "Development Status :: 4 - Beta" into the wheel).
  stability: 'experimental',
  // Workflows and publishing: see projenrc/release.ts and docs/releasing.md.
  ...releaseOptions,
  peerDeps: ['cdk8s-plus-28@^2.5.6'],
  devDeps: [
    'cdk8s-cli@2.207.60',
    'kubernetes-models@4.5.1',
    'fast-check@^3',
    'yaml@^2',
    'ajv@^6',
  ],
  publishToPypi: { distName: 'cdk8s-accelerated-tls', module: 'cdk8s_accelerated_tls', ...pypiTrustedPublishing },
  jestOptions: {
    // Snapshots change only by a deliberate `npx jest -u`, never as a side effect of testing.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    passWithNoTests: false,
    jestConfig: {
      // Suites that build Go tools or install linters (*.tools.test.ts) run under `npx projen test:tools`.
      testPathIgnorePatterns: ['/node_modules/', '/build/', '\\.tools\\.test\\.ts$'],
      modulePathIgnorePatterns: ['<rootDir>/build/', '<rootDir>/dist/'],
      coveragePathIgnorePatterns: ['/node_modules/', '/src/imports/', '/test/'],
      coverageReporters: ['text-summary', 'lcov'],
      // One line each for the suites left out: upstream data missing (see upstream/), the tools suites.
      globalSetup: '<rootDir>/test/util/skip-notices.js',
    },
  },
  gitignore: ['/build/', '/.cache/', '/examples/**/*.js', '/examples/**/*.d.ts', '.venv/', '__pycache__/'],
});

// Node 20 is past its end of life: jsii's check-node prints a banner on every run unless the
// major version is listed in this variable (a list of majors, so "1" does not silence it).
project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');

// Only the library, its assets and docs are published: not the tooling, tests' inputs or caches.
for (const p of ['/imports/', '/upstream/', '/examples/', '/scripts/', '/conformance/', '/.ci/', '/build/', '/.cache/', '/tsconfig.declarations.json']) project.addPackageIgnore(p);

// Generated CRD bindings are committed as generated; lint never rewrites them.
project.eslint?.addIgnorePattern('src/imports/');
project.eslint?.addIgnorePattern('build/');
project.eslint?.addIgnorePattern('examples/**/*.js');

// jsii keeps @internal members in lib/*.d.ts; the published declarations leave them out (so
// internals, and the Node types some of them use, never reach a consumer's compiler).
project.compileTask.exec('tsc -p tsconfig.declarations.json');

// The suites `npx projen test` leaves out: cel-go over the guard's CEL, the benchmark script against
// fortio, shellcheck. The binaries and the linters' venv go into .cache/tools (see test/tools.config.js).
const testTools = project.addTask('test:tools', {
  description: 'The test suites that build Go tools or install linters into .cache/tools (cel-go, fortio, shellcheck)',
  exec: 'jest --ci --config test/tools.config.js',
  receiveArgs: true,
});

// Regenerate src/imports/ from the pinned upstream CRDs (see imports/regenerate.js).
project.addTask('import', {
  description: 'Regenerate src/imports/ from the upstream CRDs (sha256-checked; see upstream/locate.js)',
  exec: 'node imports/regenerate.js',
  receiveArgs: true,
});

// The upstream data the tests compare with, re-created from the Go module proxy (see upstream/).
project.addTask('upstream', {
  description: 'Fetch the pinned upstream CRDs and re-create the reference renders into .cache/upstream (sha256-checked; --all: every file)',
  exec: 'node upstream/provision.js',
  receiveArgs: true,
});

// A release runs every test: missing upstream data fails it instead of skipping tests.
project.tasks.tryFind('release')?.env('ATLS_REQUIRE_UPSTREAM', '1');
project.tasks.tryFind('release')?.spawn(testTools);

// The example app (the private key provider task's scenario), compiled to JS and synthesized into dist/manifests/.
project.addTask('example', {
  description: 'Synthesize the example app into dist/manifests/',
  steps: [
    { exec: 'tsc -p examples/tsconfig.json' },
    // cdk8s never deletes files, and file names carry their dependency order: start clean.
    { exec: 'rm -rf dist/manifests' },
    { exec: 'node build/examples/main.js' },
  ],
});

// The rules and pinned-versions tables of docs/ from the catalogue and Versions, after every
// compile like API.md (test/app/docs-tables.test.ts fails when they drift).
const docsTables = project.addTask('docs:tables', {
  description: 'Write the rules table (docs/rules.md) and the pinned-versions table (docs/versions.md) from the compiled library (--check: fail when stale)',
  exec: 'node scripts/docs-tables.js',
  receiveArgs: true,
});
project.postCompileTask.spawn(docsTables);

// Our output against upstream tools: kubectl-validate, egctl x translate, the Python package.
project.addTask('conformance', {
  description: 'kubectl-validate + egctl x translate over every synthesized object; Python package == TypeScript output',
  exec: 'bash conformance/run.sh',
});

// The packed library in a cdk8s init-style project with cdk8s-plus-33: the README example and
// cdk8s-plus-33 values compile and synthesize (needs the npm registry).
project.addTask('consumer', {
  description: 'Pack the library; a cdk8s init-style project (cdk8s-plus-33) compiles and synthesizes the README example',
  exec: 'bash scripts/consumer-check.sh',
});

// The example and scenarios on a real control plane: kube-apiserver, controllers, scheduler,
// Envoy Gateway's controller and nfd-master built from the Go module proxy; kwok for the nodes.
project.addTask('cluster', {
  description: 'Apply the example and scenarios to a real Kubernetes control plane with Envoy Gateway and NFD (needs root and Go)',
  exec: 'bash conformance/cluster/run.sh',
});

// Synth cost of the compiled library against a bare cdk8s replay (a script, not a timed test).
project.addTask('bench', {
  description: 'Synth benchmark: example app and 1/10/100/1000 gateways vs a bare cdk8s replay',
  exec: 'node scripts/bench.js',
});

// The Python API reference beside API.md (CI fails when either is stale).
project.tasks.tryFind('docgen')?.exec('jsii-docgen --language python -o API.python.md');

// Every workflow through actionlint (built from the Go module proxy into the tools cache).
project.addTask('actionlint', {
  description: 'actionlint (with shellcheck) over .github/workflows/, after proving it rejects a broken copy',
  exec: 'bash .ci/actionlint.sh',
});

lintWorkflows(project);
publishNpmWithOidc(project);

project.synth();
