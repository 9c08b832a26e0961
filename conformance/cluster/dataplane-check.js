// The data-plane part of the cluster check, run on the fresh cluster once Envoy Gateway has
// programmed everything: the real Envoys and their assertion groups, the synthesized benchmark
// against them, Envoy Gateway's treatment of an EnvoyProxy securityContext, the negative controls
// of these groups, and (ATLS_CLUSTER_BENCH=1) the data-plane cost measurement.
'use strict';
const E = require('./envoy-assertions');
const { PodNetwork } = require('./podnet');
const { startEnvoys, assertEnvoys } = require('./dataplane');
const { runBenchmark, benchmarkRows } = require('./benchmark-run');
const { runHandshakeCheck, handshakeCheckLines } = require('./handshake-check-run');
const { securityContextMerge, mergedOver, OVERRIDE } = require('./security-context');
const { expectFailure } = require('./negative');

const BENCHMARK_GROUP = 'benchmark: the synthesized HandshakeBenchmark against the real Envoys (the standard build\'s QAT and CryptoMB rows: rejected)';
const NEGATIVE_GROUP = 'negative controls: each makes its assertion fail';
const CHECK_GROUP = 'HandshakeCheck Jobs: pass every software listener, fail every QAT and CryptoMB one with Envoy\'s message';

/** Controls over what the Envoy groups observed: each compares against the wrong thing and must fail. */
async function negatives(observed, securityDefaults) {
  const sw = observed.software[0];
  const acc = observed.accelerated[0];
  const out = [];
  if (sw) {
    const probes = sw.probes.map((p) => ({ ...p, want: p.want.replace(/^../, (x) => (x === '00' ? '01' : '00')) }));
    out.push(await expectFailure('a served certificate compared with another fingerprint', () => E.servesCertificate(probes)));
    out.push(await expectFailure('a handshake count off by one', () => E.handshakesCounted(sw.counts.map((c) => ({ ...c, made: c.made + 1 })))));
    out.push(await expectFailure('a software gateway expected to NACK its Secret', () => E.expectedNack(`Envoy ${sw.e.name}`, sw.seen, 'qat')));
    out.push(await expectFailure('an answer from an endpoint not behind the route', () => E.reachesBackend(sw.probes.map((p) => ({ ...p, endpoints: ['192.0.2.1:1'] })))));
  }
  if (acc) out.push(await expectFailure('a QAT or CryptoMB gateway on the standard build expected to accept every update', () => E.noNack(`Envoy ${acc.e.name}`, acc.seen)));
  if (securityDefaults) out.push(await expectFailure('a securityContext that replaced the default', () => ({ checked: 1, failures: mergedOver(OVERRIDE, securityDefaults, OVERRIDE) })));
  return out;
}

/**
 * Runs it all; returns [group, result] pairs. `ctx`: { objects, state, fleet, bin, work, log, notes }
 * (state and fleet as check.js computes them).
 */
async function check(cp, ctx) {
  const { fleet, log, notes } = ctx;
  const groups = [];
  const net = new PodNetwork();
  let started;
  try {
    started = await startEnvoys(cp, net, fleet, ctx.state, ctx);
    log(`Envoy ${started.envoys.length}x started (${started.envoys.map((e) => `${e.name}${e.kind ? ` [${e.kind}]` : ''} at ${e.ip}`).join(', ')})`);
    const { groups: envoyGroups, observed } = await assertEnvoys(cp, started.envoys);
    groups.push(...envoyGroups);
    for (const a of observed.accelerated) {
      notes.push(`Envoy ${a.e.name} (${a.e.kind}, standard build): ${a.reset.error ? `a TLS connection ends without a certificate (${a.reset.error})` : `served a certificate (${a.reset.fingerprint})`}`);
    }
    log('Envoy assertions done; the benchmark');

    const job = ctx.objects.find((o) => o.kind === 'Job' && o.metadata.labels?.['app.kubernetes.io/name'] === 'handshake-benchmark');
    if (job) {
      const run = await runBenchmark(cp, net, job, started.envoys, ctx);
      const r = benchmarkRows(run);
      groups.push([BENCHMARK_GROUP, { checked: r.checked, failures: r.failures }]);
      for (const line of r.table?.lines ?? []) log(`  ${line}`);
    } else groups.push([BENCHMARK_GROUP, { checked: 1, failures: ['the app has no HandshakeBenchmark Job'] }]);

    const checks = ctx.objects.filter((o) => o.kind === 'Job' && o.metadata.labels?.['app.kubernetes.io/name'] === 'handshake-check');
    if (!checks.length) groups.push([CHECK_GROUP, { checked: 1, failures: ['the apps have no HandshakeCheck Job'] }]);
    for (const [i, job] of checks.entries()) {
      const run = await runHandshakeCheck(cp, net, job, started.envoys, ctx, `10.244.254.${10 + i}`);
      groups.push([CHECK_GROUP, handshakeCheckLines(run)]);
      for (const line of run.output.trim().split('\n')) log(`  ${job.metadata.name}: ${line}`);
      // The same run judged as if every gateway were software (or QAT): the lines must not fit.
      const swapped = { ...run, config: { ...run.config, gateways: run.config.gateways.map((g) => ({ ...g, provider: g.provider === 'software' ? 'qat' : 'software' })) } };
      groups.push([NEGATIVE_GROUP, await expectFailure(`the ${job.metadata.name} output judged with the providers swapped`, () => handshakeCheckLines(swapped))]);
    }

    if (process.env.ATLS_CLUSTER_BENCH === '1') {
      const { dataPlaneCost } = require('./dataplane-bench');
      for (const line of await dataPlaneCost(cp, net, started.envoys, ctx)) log(line);
    }

    const software = fleet.find((f) => started.envoys.some((e) => !e.kind && e.name === f.deployment.metadata.name));
    let defaults;
    if (software) {
      const sc = await securityContextMerge(cp, software.deployment);
      defaults = software.deployment.spec.template.spec.containers.find((c) => c.name === 'envoy').securityContext;
      groups.push(['Envoy Gateway: an EnvoyProxy container.securityContext is merged over the hardened default', sc.result]);
      notes.push(sc.note);
    }
    for (const c of await negatives(observed, defaults)) groups.push([NEGATIVE_GROUP, c]);
  } finally {
    if (started) await cp.stopProcesses([...started.envoys.map((e) => e.proc), started.backend]);
    net.close();
  }
  return groups;
}

module.exports = { check };
