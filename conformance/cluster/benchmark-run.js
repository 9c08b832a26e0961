// The synthesized HandshakeBenchmark Job run against the real Envoys: its `benchmark` container as
// the kubelet would run it (kubelet.js) in a pod network namespace of its own, with the Job's
// ConfigMap, its service-account token (so it lists pods with the Role the app grants), its
// Services reached through their ClusterIPs, and its own CPU cgroup. The config is the synthesized
// one, unchanged: the accelerated targets, which no standard-build Envoy serves, must come out as
// rows saying that Envoy rejected their Secret.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { containerPlan, podVolumes, hostsFile, startContainer } = require('./kubelet');
const { sleep } = require('./control-plane');

const BENCHMARK_IP = '10.244.254.1';
const CGROUPS = ['cpu', 'cpuacct'];

/** The python3 the check runs the script with (the image's interpreter): [binary, its prefix]. */
function python() {
  const { execFileSync } = require('node:child_process');
  const [exe, prefix] = execFileSync('python3', ['-c', 'import sys; print(sys.executable); print(sys.base_prefix)'], { encoding: 'utf8' }).trim().split('\n');
  return { exe, prefix };
}

/** A cgroup (v1 cpu + cpuacct, or v2) of its own with the container's CPU limit; its directories by controller. */
function containerCgroup(name, cpuLimit) {
  const v2 = fs.existsSync('/sys/fs/cgroup/cgroup.controllers');
  const dirs = v2 ? { '': path.join('/sys/fs/cgroup', name) } : Object.fromEntries(CGROUPS.map((c) => [c, path.join('/sys/fs/cgroup', c, name)]));
  for (const d of Object.values(dirs)) fs.mkdirSync(d);
  const quota = Math.round(cpuLimit * 100000);
  if (v2) fs.writeFileSync(path.join(dirs[''], 'cpu.max'), `${quota} 100000`);
  else fs.writeFileSync(path.join(dirs.cpu, 'cpu.cfs_quota_us'), String(quota));
  return { dirs, procs: Object.values(dirs).map((d) => path.join(d, 'cgroup.procs')), remove: () => { for (const d of Object.values(dirs)) { try { fs.rmdirSync(d); } catch { /* busy or gone */ } } } };
}

/** The cores of a Kubernetes CPU quantity. */
const cores = (q) => (String(q).endsWith('m') ? Number(String(q).slice(0, -1)) / 1000 : Number(q));

/**
 * Runs the Job `job` (live object) of the app against `envoys` (dataplane.js). Returns
 * { output, rows, results, config } or throws with the container's log.
 */
async function runBenchmark(cp, net, job, envoys, { bin, work }) {
  const ns = job.metadata.namespace;
  const pod = cp.getJson(['pods', '-n', ns, '-l', `batch.kubernetes.io/job-name=${job.metadata.name}`]).items[0];
  if (!pod) throw new Error(`Job ${ns}/${job.metadata.name} has no pod`);
  pod.status = { ...pod.status, podIP: pod.status?.podIP ?? BENCHMARK_IP };
  const dir = path.join(work, 'benchmark');
  const volumes = podVolumes(cp, pod, dir);
  const plan = containerPlan(cp, pod, 'benchmark', volumes);
  const configMount = plan.mounts.find((m) => m.dst === '/config');
  const file = path.join(configMount.src, 'config.json');
  const config = JSON.parse(fs.readFileSync(file, 'utf8'));
  // What the init containers leave in /tools: busybox, used only to copy fortio, and fortio.
  const tools = plan.mounts.find((m) => m.dst === '/tools');
  fs.copyFileSync(path.join(bin, 'fortio'), path.join(tools.src, 'fortio'));
  fs.chmodSync(path.join(tools.src, 'fortio'), 0o755);

  // Services: the API's and each target's, through their ClusterIPs.
  const hosts = [];
  const kube = cp.getJson(['service', 'kubernetes', '-n', 'default']);
  await net.relay(kube.spec.clusterIP, 443, { host: cp.ip, port: cp.port });
  hosts.push([kube.spec.clusterIP, 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local']);
  for (const t of config.targets) {
    const [svcName, svcNs] = t.host.split('.');
    const svc = cp.getJson(['service', svcName, '-n', svcNs]);
    const port = svc.spec.ports.find((p) => p.port === t.port);
    const envoy = envoys.find((e) => e.gateways.some((g) => g.metadata.name === t.podLabels['gateway.envoyproxy.io/owning-gateway-name']));
    if (!envoy || !port) throw new Error(`benchmark target ${t.name}: no running Envoy or Service port ${t.port}`);
    await net.relay(svc.spec.clusterIP, t.port, { host: envoy.ip, port: port.targetPort });
    hosts.push([svc.spec.clusterIP, t.host, `${svcName}.${svcNs}.svc.cluster.local`]);
  }

  const netns = net.addPod(pod.metadata.name, pod.status.podIP);
  const py = python();
  const cg = containerCgroup(`atls-benchmark-${process.pid}`, cores(plan.resources?.limits?.cpu ?? 1));
  const binds = [[py.prefix, py.prefix], ...Object.entries(cg.dirs).map(([c, d]) => [d, c ? `/sys/fs/cgroup/${c}` : '/sys/fs/cgroup'])];
  const proc = startContainer(cp, plan, { netns, dir, logName: 'benchmark', hosts: hostsFile(pod, hosts), tools: { python3: py.exe }, binds, cgroups: cg.procs });
  proc.runsToCompletion = true;
  try {
    const limit = Date.now() + (job.spec.activeDeadlineSeconds ?? 600) * 1000;
    while (proc.exitCode_ === undefined && Date.now() < limit) await sleep(500);
    if (proc.exitCode_ === undefined) await cp.stopProcesses([proc]);
  } finally {
    await sleep(200);
    cg.remove();
  }
  const output = fs.readFileSync(path.join(cp.logs, 'benchmark.log'), 'utf8');
  const results = Object.fromEntries(config.targets.map((t) => {
    const f = path.join(plan.mounts.find((m) => m.dst === '/results').src, `${t.name}-client0.json`);
    return [t.name, fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, 'utf8')) : undefined];
  }));
  return { exit: proc.exitCode_, output, config, results };
}

/** The table the script printed: header line and rows (cells split on runs of 2+ spaces). */
function parseTable(output) {
  const lines = output.split('\n');
  const i = lines.findIndex((l) => l.startsWith('HANDSHAKE BENCHMARK'));
  if (i < 0) return undefined;
  const cells = (l) => l.trim().split(/\s{2,}/);
  const header = cells(lines[i + 1]);
  const rows = [];
  for (const l of lines.slice(i + 2)) {
    if (!l.trim() || l.startsWith('client-bound')) break;
    rows.push(Object.fromEntries(cells(l).map((c, k) => [header[k], c])));
  }
  return { title: lines[i], header, rows, lines: lines.slice(i, i + 2 + rows.length + 1).filter(Boolean) };
}

/**
 * One row per target: a software one `software (baseline)`, handshakes = fortio's calls plus its
 * warmup (one per connection); a QAT or CryptoMB one (the standard build) `rejected (…)`, no qps, errors.
 */
function benchmarkRows(run) {
  const table = parseTable(run.output);
  if (!table) return { checked: 1, failures: [`the benchmark printed no table (exit ${run.exit}): ${run.output.trim().split('\n').slice(-6).join(' | ')}`] };
  const failures = [];
  for (const t of run.config.targets) {
    const row = table.rows.find((r) => r.target === t.name);
    const fortio = run.results[t.name];
    if (!row) { failures.push(`${t.name}: no row`); continue; }
    if (t.provider !== 'software') {
      const want = `rejected (Envoy rejected the Secret: Failed to load private key provider: ${t.provider})`;
      if (row.accelerated !== want) failures.push(`${t.name}: verdict "${row.accelerated}", want "${want}"`);
      if (row.qps !== '0.0' || !(Number(row.errors) > 0)) failures.push(`${t.name}: qps ${row.qps} with ${row.errors} errors, want 0.0 with errors`);
      continue;
    }
    if (row.accelerated !== 'software (baseline)') failures.push(`${t.name}: verdict "${row.accelerated}", want "software (baseline)"`);
    if (!fortio) { failures.push(`${t.name}: no fortio result`); continue; }
    const want = fortio.DurationHistogram.Count + run.config.concurrency;
    if (Number(row.handshakes) !== want) failures.push(`${t.name}: ${row.handshakes} handshakes counted, fortio made ${fortio.DurationHistogram.Count} calls + ${run.config.concurrency} warmup = ${want}`);
    if (Number(row.errors) !== 0) failures.push(`${t.name}: ${row.errors} errors`);
  }
  if (table.rows.length !== run.config.targets.length) failures.push(`${table.rows.length} rows for ${run.config.targets.length} targets`);
  if (run.exit !== 0) failures.push(`the benchmark exited ${run.exit}`);
  return { checked: run.config.targets.length, failures, table };
}

module.exports = { runBenchmark, benchmarkRows, parseTable };
