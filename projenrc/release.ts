// The GitHub workflows (build on pull requests, release on main, upgrade-main) and how they
// publish: npm and PyPI through trusted publishing (OIDC, `id-token: write`), never a stored token.
// docs/releasing.md names what a maintainer registers; test/app/release.tools.test.ts holds both to it.
import { github, JsonPatch } from 'projen';
import type { cdk8s } from 'projen';

/** The workflow that publishes: the file name both trusted publishers are registered with. */
export const RELEASE_WORKFLOW = 'release.yml';
/** The GitHub environment the publish jobs run in (the trusted publishers name it too). */
export const RELEASE_ENVIRONMENT = 'release';
/** npm publishes with OIDC from 11.5.1 on; Node 24's npm is newer (checked in the job). */
const PUBLISH_NODE_VERSION = '24';
const NPM_TRUSTED_PUBLISHING_MIN = '11.5.1';
/** publib, the publish jobs' tool, pinned: a job holding an id-token runs no floating code. */
const PUBLIB_VERSION = '0.2.1061';

const setupGo = { name: 'Setup Go', uses: github.ActionRefs.ACTIONS_SETUP_GO, with: { 'go-version': '1.26' } };
const setupPython = { name: 'Setup Python', uses: github.ActionRefs.ACTIONS_SETUP_PYTHON, with: { 'python-version': '3.11' } };
/** The Go and Python the tests use (the CEL test, the upstream data, shellcheck), then that data. */
const testToolchain: github.workflows.JobStep[] = [
  setupGo,
  setupPython,
  { name: 'Upstream data (from the Go module proxy)', run: 'npx projen upstream' },
];

/** Options of the project that produce the workflows. */
export const releaseOptions = {
  github: true,
  pullRequestTemplate: false,
  githubOptions: {
    // No Mergify app, and no PR-title lint (this repository's commit titles are not conventional).
    mergify: false,
    pullRequestLint: false,
    // The job's own short-lived GITHUB_TOKEN, not projen's default personal access token.
    projenCredentials: github.GithubCredentials.fromPersonalAccessToken({ secret: 'GITHUB_TOKEN' }),
  },
  buildWorkflowOptions: {
    // A build that changes a committed file (API.md, projen's output) fails instead of pushing.
    mutableBuild: false,
    permissions: { contents: github.workflows.JobPermission.READ },
    preBuildSteps: testToolchain,
    env: { ATLS_REQUIRE_UPSTREAM: '1' },
  },
  releaseWorkflowSetupSteps: testToolchain,
  releaseEnvironment: RELEASE_ENVIRONMENT,
  jsiiReleaseVersion: PUBLIB_VERSION,
  npmTrustedPublishing: true,
  npmProvenance: true,
} satisfies Partial<cdk8s.ConstructLibraryCdk8sOptions>;

/** PyPI through its trusted publisher (publib mints the upload token from the job's OIDC token). */
export const pypiTrustedPublishing = { trustedPublishing: true } as const;

/** actionlint in the build workflow too (the same script as CI's stage, beside the build job). */
export function lintWorkflows(project: cdk8s.ConstructLibraryCdk8s): void {
  const build = project.github?.tryFindWorkflow('build');
  if (!build) throw new Error('the build workflow is missing: github must be enabled');
  build.addJob('actionlint', {
    name: 'actionlint',
    runsOn: ['ubuntu-latest'],
    permissions: { contents: github.workflows.JobPermission.READ },
    steps: [
      github.WorkflowSteps.checkout(),
      setupGo,
      setupPython,
      { name: 'actionlint', run: 'bash .ci/actionlint.sh' },
    ],
  });
}

/**
 * The npm publish job on a Node whose npm publishes with OIDC, and a step that stops it, saying
 * why, when that npm is older. The test ops fail the synth if projen moves the setup-node step.
 */
export function publishNpmWithOidc(project: cdk8s.ConstructLibraryCdk8s): void {
  const release = project.github?.tryFindWorkflow('release');
  if (!release?.file) throw new Error('the release workflow is missing: github must be enabled');
  release.file.patch(
    JsonPatch.test('/jobs/release_npm/steps/0/uses', github.ActionRefs.ACTIONS_SETUP_NODE),
    JsonPatch.replace('/jobs/release_npm/steps/0/with/node-version', PUBLISH_NODE_VERSION),
    JsonPatch.add('/jobs/release_npm/steps/1', {
      name: `npm >= ${NPM_TRUSTED_PUBLISHING_MIN} (trusted publishing)`,
      run: [
        'v=$(npm --version)',
        `if [ "$(printf '%s\\n' ${NPM_TRUSTED_PUBLISHING_MIN} "$v" | sort -V | head -n1)" != ${NPM_TRUSTED_PUBLISHING_MIN} ]; then`,
        `  echo "::error::npm $v cannot publish with a trusted publisher (needs ${NPM_TRUSTED_PUBLISHING_MIN} or later)"`,
        '  exit 1',
        'fi',
      ].join('\n'),
    }),
  );
}
