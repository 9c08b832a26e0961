import { cdk8s, javascript } from 'projen';

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
  projenrcTs: true,
  github: false,
  peerDeps: ['cdk8s-plus-28@^2.5.6'],
  devDeps: [
    'cdk8s-cli@2.207.60',
    'kubernetes-models@4.5.1',
    'fast-check@^3',
    'yaml@^2',
    'ajv@^6',
  ],
  publishToPypi: { distName: 'cdk8s-accelerated-tls', module: 'cdk8s_accelerated_tls' },
  jestOptions: {
    // Snapshots change only by a deliberate `npx jest -u`, never as a side effect of testing.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    passWithNoTests: false,
    jestConfig: {
      testPathIgnorePatterns: ['/node_modules/', '/build/'],
      modulePathIgnorePatterns: ['<rootDir>/build/', '<rootDir>/dist/'],
      coveragePathIgnorePatterns: ['/node_modules/', '/src/imports/', '/test/'],
      coverageReporters: ['text-summary', 'lcov'],
    },
  },
  gitignore: ['/build/', '/.cache/', '/examples/**/*.js', '/examples/**/*.d.ts', '.venv/', '__pycache__/'],
});

// Generated CRD bindings are committed as generated; lint never rewrites them.
for (const p of ['/imports/', '/examples/', '/scripts/', '/conformance/', '/.ci/', '/build/', '/.cache/', '/tsconfig.declarations.json']) project.addPackageIgnore(p);

project.eslint?.addIgnorePattern('src/imports/');
project.eslint?.addIgnorePattern('build/');
project.eslint?.addIgnorePattern('examples/**/*.js');

// jsii keeps @internal members in lib/*.d.ts; the published declarations leave them out (so
// internals, and the Node types some of them use, never reach a consumer's compiler).
project.compileTask.exec('tsc -p tsconfig.declarations.json');

// Regenerate src/imports/ from the pinned upstream CRDs (see imports/README.md).
project.addTask('import', {
  description: 'Regenerate src/imports/ from $ATLS_UPSTREAM_DIR/crds (sha256-checked); --download fetches the pinned URLs',
  exec: 'node imports/regenerate.js',
  receiveArgs: true,
});

// The example app (the seed scenario), compiled to JS and synthesized into dist/manifests/.
project.addTask('example', {
  description: 'Synthesize the example app into dist/manifests/',
  steps: [
    { exec: 'tsc -p examples/tsconfig.json' },
    // build/src/ reads its scripts from ../assets, as lib/ does: a link, so never a stale copy.
    { exec: 'ln -sfn ../assets build/assets' },
    // cdk8s never deletes files, and file names carry their dependency order: start clean.
    { exec: 'rm -rf dist/manifests' },
    { exec: 'node build/examples/main.js' },
  ],
});

// Our output against upstream tools: kubectl-validate, egctl x translate, the Python package.
project.addTask('conformance', {
  description: 'kubectl-validate + egctl x translate over every synthesized object; Python package == TypeScript output',
  exec: 'bash conformance/run.sh',
});

// Synth cost of the compiled library against a bare cdk8s replay (a script, not a timed test).
project.addTask('bench', {
  description: 'Synth benchmark: example app and 1/10/100/1000 gateways vs a bare cdk8s replay',
  exec: 'node scripts/bench.js',
});

project.synth();
