// The synthesized HandshakeCheck Jobs run against the real Envoys: each Job's `check` container as
// the kubelet would run it (kubelet.js), in a pod network namespace of its own, with the Job's
// ConfigMap, the Secrets' tls.crt as its volumes say, its service-account token (it lists the Envoy
// pods with the Role the app grants) and the gateways' Services reached through their ClusterIPs.
// Nothing in the Job is changed: on the standard build it must pass every software listener and
// fail every QAT and CryptoMB listener with Envoy's message.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { containerPlan, podVolumes, hostsFile, startContainer } = require('./kubelet');
const { sleep } = require('./control-plane');

const CHECK_IP = '10.244.254.2';
const PROVIDER_MESSAGE = (kind) => `Envoy rejected the Secret: Failed to load private key provider: ${kind}`;

/** The python3 the check runs the script with (the image's interpreter): [binary, its prefix]. */
function python() {
  const { execFileSync } = require('node:child_process');
  const [exe, prefix] = execFileSync('python3', ['-c', 'import sys; print(sys.executable); print(sys.base_prefix)'], { encoding: 'utf8' }).trim().split('\n');
  return { exe, prefix };
}

/** Whether the Envoy pods with `podLabels` (as the check's config names them) serve live Gateway `g`. */
function serves(podLabels, g) {
  const cls = podLabels['gateway.envoyproxy.io/owning-gatewayclass'];
  if (cls) return g.spec.gatewayClassName === cls;
  return g.metadata.name === podLabels['gateway.envoyproxy.io/owning-gateway-name']
    && g.metadata.namespace === podLabels['gateway.envoyproxy.io/owning-gateway-namespace'];
}

/** A Service relay, unless an earlier run (the benchmark's, another check's) set up the same one. */
async function relayOnce(net, clusterIP, port, target) {
  const key = `${clusterIP}:${port}`;
  net.relayed = net.relayed ?? new Map();
  const earlier = net.relayed.get(key);
  if (earlier) {
    if (earlier !== `${target.host}:${target.port}`) throw new Error(`${key} already relays to ${earlier}, not ${target.host}:${target.port}`);
    return;
  }
  try {
    await net.relay(clusterIP, port, target);
  } catch (e) {
    // The benchmark relays the kubernetes Service and its targets' Services to the same places.
    if (e.code !== 'EADDRINUSE') throw e;
  }
  net.relayed.set(key, `${target.host}:${target.port}`);
}

/** Runs HandshakeCheck Job `job` (live object) against `envoys` (dataplane.js): { exit, output, config }. */
async function runHandshakeCheck(cp, net, job, envoys, { work }, ip = CHECK_IP) {
  const ns = job.metadata.namespace;
  const pod = cp.getJson(['pods', '-n', ns, '-l', `batch.kubernetes.io/job-name=${job.metadata.name}`]).items[0];
  if (!pod) throw new Error(`Job ${ns}/${job.metadata.name} has no pod`);
  pod.status = { ...pod.status, podIP: pod.status?.podIP ?? ip };
  const dir = path.join(work, job.metadata.name);
  const plan = containerPlan(cp, pod, 'check', podVolumes(cp, pod, dir));
  const config = JSON.parse(fs.readFileSync(path.join(plan.mounts.find((m) => m.dst === '/config').src, 'config.json'), 'utf8'));

  const hosts = [];
  const kube = cp.getJson(['service', 'kubernetes', '-n', 'default']);
  await relayOnce(net, kube.spec.clusterIP, 443, { host: cp.ip, port: cp.port });
  hosts.push([kube.spec.clusterIP, 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local']);
  for (const g of config.gateways) {
    const [svcName, svcNs] = g.host.split('.');
    const svc = cp.getJson(['service', svcName, '-n', svcNs]);
    const envoy = envoys.find((e) => e.gateways.some((x) => serves(g.podLabels, x)));
    if (!envoy) throw new Error(`HandshakeCheck gateway ${g.name}: no running Envoy`);
    for (const l of g.listeners) {
      const port = svc.spec.ports.find((p) => p.port === l.port);
      if (!port) throw new Error(`HandshakeCheck gateway ${g.name}: Service ${svcNs}/${svcName} has no port ${l.port}`);
      await relayOnce(net, svc.spec.clusterIP, l.port, { host: envoy.ip, port: port.targetPort });
    }
    hosts.push([svc.spec.clusterIP, g.host, `${svcName}.${svcNs}.svc.cluster.local`]);
  }

  const netns = net.addPod(pod.metadata.name, pod.status.podIP);
  const py = python();
  const logName = job.metadata.name;
  const proc = startContainer(cp, plan, { netns, dir, logName, hosts: hostsFile(pod, hosts), tools: { python3: py.exe }, binds: [[py.prefix, py.prefix]] });
  proc.runsToCompletion = true; // a Job's container: its exit is its result
  const limit = Date.now() + (job.spec.activeDeadlineSeconds ?? 300) * 1000;
  while (proc.exitCode_ === undefined && Date.now() < limit) await sleep(300);
  if (proc.exitCode_ === undefined) await cp.stopProcesses([proc]);
  await sleep(200);
  return { exit: proc.exitCode_, output: fs.readFileSync(path.join(cp.logs, `${logName}.log`), 'utf8'), config };
}

/**
 * What the check must print on the standard build: PASS for every software listener, FAIL with
 * Envoy's message for every QAT and CryptoMB one, and its exit status accordingly.
 */
function handshakeCheckLines(run) {
  const failures = [];
  let checked = 0;
  let accelerated = 0;
  for (const g of run.config.gateways) {
    for (const l of g.listeners) {
      checked++;
      const where = `${g.name}/${l.name} ${l.sni ?? '(no SNI)'}:${l.port}`;
      const line = run.output.split('\n').find((x) => x.startsWith(`PASS ${where}:`) || x.startsWith(`FAIL ${where}:`));
      if (!line) { failures.push(`${where}: no line`); continue; }
      if (g.provider === 'software') {
        if (!line.startsWith('PASS ')) failures.push(`${where}: ${line}`);
      } else {
        accelerated++;
        if (!line.startsWith(`FAIL ${where}: ${PROVIDER_MESSAGE(g.provider)} (Secret ${l.secret}; `)) failures.push(`${where}: want the rejection, got: ${line}`);
      }
    }
  }
  const want = accelerated ? 1 : 0;
  if (run.exit !== want) failures.push(`the check exited ${run.exit}, want ${want}`);
  return { checked, failures };
}

module.exports = { runHandshakeCheck, handshakeCheckLines, PROVIDER_MESSAGE };
