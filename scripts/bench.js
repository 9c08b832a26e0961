#!/usr/bin/env node
// Synth cost of the compiled library (never ts-node): `npm run bench` after `npx projen compile`
// and `npx projen example` (which compiles the example to build/).
//
// For the example app and for apps of 1, 10, 100 and 1000 gateways (alternating QAT and REQUIRED
// CryptoMB, in one chart, with one CryptoMbAffinity in another) it reports, as the fastest of RUNS
// fresh processes per side, ours and bare alternating (the run least disturbed by other load on a
// shared machine, taken alike for both sides): synth time (construction + app.synth(), modules
// already loaded), module load time, whole-process time and peak RSS; and the same objects
// replayed by a bare cdk8s app as raw ApiObjects (the floor), with the ratio ours/bare and the
// growth from 10 to 100 and from 100 to 1000 gateways.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

function child(mode, scenario, n, objectsFile) {
  const t0 = process.hrtime.bigint();
  const cdk8s = require('cdk8s');
  const lib = mode === 'ours' ? require(path.join(root, 'lib')) : undefined;
  const edge = mode === 'ours' && scenario === 'example' ? require(path.join(root, 'build', 'examples', 'edge.js')) : undefined;
  const replay = mode === 'bare' ? JSON.parse(fs.readFileSync(objectsFile, 'utf8')) : undefined;
  const t1 = process.hrtime.bigint();
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'atls-bench-'));
  const app = new cdk8s.App({ outdir });
  if (mode === 'bare') {
    const charts = new Map();
    for (const [chartId, objects] of replay) {
      const chart = new cdk8s.Chart(app, chartId);
      charts.set(chartId, chart);
      objects.forEach((o, i) => new cdk8s.ApiObject(chart, `o${i}`, o));
    }
    // The same chart dependencies, so that cdk8s writes the same files in the same order (and
    // pays for the dependencies as ours does).
    for (const [chartId, , dependsOn] of replay) for (const d of dependsOn) charts.get(chartId).addDependency(charts.get(d));
  } else if (scenario === 'example') {
    edge.defineEdge(app);
  } else {
    gateways(cdk8s, lib, app, n, scenario === 'gateways-first');
  }
  app.synth();
  const t2 = process.hrtime.bigint();
  if (mode === 'ours' && objectsFile) {
    // The objects as synthesized and the charts each chart depends on, for the bare replay.
    fs.writeFileSync(objectsFile, JSON.stringify(app.charts.map((c) => [c.node.id, c.toJson(),
      c.node.dependencies.filter((d) => d instanceof cdk8s.Chart).map((d) => d.node.id)])));
  }
  const files = fs.readdirSync(outdir).sort();
  fs.rmSync(outdir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ loadMs: Number(t1 - t0) / 1e6, synthMs: Number(t2 - t1) / 1e6, rssMb: process.resourceUsage().maxRSS / 1024, files }));
}

/**
 * `n` gateways in one chart, and a CryptoMbAffinity in a chart of its own, made first (so the
 * gateways' chart is written after the CRDs without depending on them) or, with `chartFirst`,
 * after the gateways' chart (which must then depend on the CRDs' chart, and cdk8s copies that
 * onto every object of the chart).
 */
function gateways(cdk8s, lib, app, n, chartFirst) {
  const providers = [
    () => lib.KeyProvider.qat(),
    () => lib.KeyProvider.cryptoMb({ placement: lib.NodePlacement.REQUIRED }),
  ];
  // One chart: cdk8s validates the whole app once per chart, so a chart per gateway would make
  // cdk8s itself (and the bare replay) quadratic and hide what the library adds.
  let chart = chartFirst ? new cdk8s.Chart(app, 'gateways') : undefined;
  new lib.CryptoMbAffinity(new cdk8s.Chart(app, 'nodes'), 'avx512');
  chart ??= new cdk8s.Chart(app, 'gateways');
  for (let i = 0; i < n; i++) {
    new lib.AcceleratedTlsGateway(chart, `gw-${i}`, {
      namespace: `tenant-${i}`,
      name: 'eg',
      provider: providers[i % providers.length](),
      listeners: [{
        hostname: `www.tenant-${i}.example.com`,
        certificate: lib.TlsCertificate.fromSecretName(`cert-${i}`, { keyAlgorithm: lib.KeyAlgorithm.RSA_2048 }),
        backend: { serviceName: 'backend', port: 3000 },
      }],
    });
  }
}

/** One fresh process; its times and peak RSS. */
function runChild(mode, scenario, n, objectsFile) {
  const t0 = process.hrtime.bigint();
  const res = spawnSync(process.execPath, [__filename, '--child', mode, scenario, String(n), objectsFile ?? ''], { encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (res.status !== 0) throw new Error(`${mode} ${scenario} ${n}: ${res.stderr}`);
  return { ...JSON.parse(res.stdout), wallMs };
}

/**
 * Ours and the bare replay, alternating (ours, bare, ours, ...) so that load on a shared machine
 * falls on both sides alike; the fastest of RUNS processes of each side.
 */
function measurePair(scenario, n, objectsFile) {
  const runs = { ours: [], bare: [] };
  for (let r = 0; r < RUNS; r++) {
    // The first run of ours writes the objects the bare side replays.
    runs.ours.push(runChild('ours', scenario, n, r === 0 ? objectsFile : undefined));
    runs.bare.push(runChild('bare', scenario, n, objectsFile));
  }
  // The replay is only a floor if it writes what ours writes.
  const differ = runs.bare.find((b) => JSON.stringify(b.files) !== JSON.stringify(runs.ours[0].files));
  if (differ) throw new Error(`${scenario} ${n}: the bare replay wrote ${differ.files.join(', ')}, ours ${runs.ours[0].files.join(', ')}`);
  const fastest = (side) => {
    const min = (k) => Math.min(...runs[side].map((x) => x[k]));
    return { synthMs: min('synthMs'), loadMs: min('loadMs'), wallMs: min('wallMs'), rssMb: min('rssMb') };
  };
  return { ours: fastest('ours'), bare: fastest('bare') };
}

function main() {
  if (!fs.existsSync(path.join(root, 'lib', 'index.js')) || !fs.existsSync(path.join(root, 'build', 'examples', 'edge.js'))) {
    execFileSync('npx', ['projen', 'compile'], { cwd: root, stdio: 'inherit' });
    execFileSync('npx', ['tsc', '-p', 'examples/tsconfig.json'], { cwd: root, stdio: 'inherit' });
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atls-bench-objects-'));
  const rows = [];
  const scenarios = [['example', 0], ['gateways', 1], ['gateways', 10], ['gateways', 100], ['gateways', 1000], ['gateways-first', 1000]];
  for (const [scenario, n] of scenarios) {
    const objectsFile = path.join(tmp, `${scenario}-${n}.json`);
    const { ours, bare } = measurePair(scenario, n, objectsFile);
    const name = scenario === 'example' ? 'example app' : `${n} gateway${n > 1 ? 's' : ''}${scenario === 'gateways-first' ? ' *' : ''}`;
    rows.push({ scenario: name, key: scenario, n, ours, bare });
  }
  fs.rmSync(tmp, { recursive: true, force: true });

  const f = (x) => x.toFixed(1).padStart(8);
  console.log(`synth benchmark: fastest of ${RUNS} fresh processes, node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}`);
  console.log('scenario          synth ms  bare ms  ours/bare  load ms  process ms  peak RSS MB');
  for (const r of rows) {
    console.log(`${r.scenario.padEnd(16)}${f(r.ours.synthMs)} ${f(r.bare.synthMs)} ${(r.ours.synthMs / r.bare.synthMs).toFixed(2).padStart(9)} ${f(r.ours.loadMs)} ${f(r.ours.wallMs).padStart(11)} ${f(r.ours.rssMb).padStart(12)}`);
  }
  const by = (n) => rows.find((r) => r.n === n && r.key === 'gateways');
  const growth = (a, b) => by(b).ours.synthMs / by(a).ours.synthMs;
  const ratio = (k) => by(k).ours.synthMs / by(k).bare.synthMs;
  const example = rows[0].ours.wallMs;
  console.log(`growth 10 -> 100 gateways: ${growth(10, 100).toFixed(2)}x (target <= 12x)`);
  console.log(`growth 100 -> 1000 gateways: ${growth(100, 1000).toFixed(2)}x (target <= 11x)`);
  console.log(`ours/bare at 100 gateways: ${ratio(100).toFixed(2)} (target <= 1.3)`);
  console.log(`ours/bare at 1000 gateways: ${ratio(1000).toFixed(2)} (target <= 1.3)`);
  const first = rows.find((r) => r.key === 'gateways-first');
  console.log(`* the gateways' chart created before the CRDs' chart, so it depends on it: ours/bare ${(first.ours.synthMs / first.bare.synthMs).toFixed(2)}`);
  console.log(`example app whole process: ${example.toFixed(0)} ms (target <= 2000 ms)`);
  const py = process.env.ATLS_PYTHON;
  if (py) {
    const times = [];
    for (let r = 0; r < RUNS; r++) {
      const out = fs.mkdtempSync(path.join(os.tmpdir(), 'atls-bench-py-'));
      const t0 = process.hrtime.bigint();
      execFileSync(py, [path.join(root, 'examples', 'python', 'app.py'), out], { stdio: 'ignore' });
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      fs.rmSync(out, { recursive: true, force: true });
    }
    // The fastest, as for every other figure here.
    console.log(`python example whole process: ${Math.min(...times).toFixed(0)} ms (TypeScript: ${example.toFixed(0)} ms)`);
  }
}

if (process.argv[2] === '--child') {
  child(process.argv[3], process.argv[4], Number(process.argv[5]), process.argv[6] || undefined);
} else {
  main();
}
