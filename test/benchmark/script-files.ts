// The benchmark script as the Job runs it: the files of the synthesized ConfigMap, written where
// the tests run them, and Envoy's log format for the fake pods' logs.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Chart, Duration } from 'cdk8s';
import {
  AcceleratedTlsGateway, CryptoMbAffinity, HandshakeBenchmark, KeyAlgorithm, KeyProvider, NodePlacement, TlsCertificate,
} from '../../src';
import { find, newChart, synthApp } from '../util';

/** The synthesized ConfigMap of a benchmark over gateways covering each case of the verdict. */
function synthesized(): { scripts: Record<string, string>; config: any } {
  const { app, chart } = newChart();
  new CryptoMbAffinity(chart, 'avx512');
  const certificate = TlsCertificate.fromSecretName('example-cert', { keyAlgorithm: KeyAlgorithm.RSA_2048 });
  const gw = (name: string, provider: KeyProvider) => new AcceleratedTlsGateway(chart, name, {
    name, provider, listeners: [{ hostname: 'www.example.com', certificate, backend: { serviceName: 'backend', port: 3000 } }],
  });
  const targets = [
    gw('eg-software-cryptomb', KeyProvider.software({ placement: NodePlacement.REQUIRED })),
    gw('eg-cryptomb', KeyProvider.cryptoMb()),
    gw('eg-cryptomb-fallback', KeyProvider.cryptoMb()),
    gw('eg-software', KeyProvider.software({ onQatNodes: true })),
    gw('eg-qat', KeyProvider.qat()),
    gw('eg-qat-fallback', KeyProvider.qat()),
    gw('eg-qat-nolog', KeyProvider.qat()),
  ];
  new HandshakeBenchmark(new Chart(app, 'benchmark'), 'bench', { targets, concurrency: 2, duration: Duration.seconds(2) });
  const cm = find(synthApp(app), 'ConfigMap', 'handshake-benchmark');
  const { 'config.json': config, ...scripts } = cm.data;
  return { scripts, config: JSON.parse(config) };
}

/**
 * Writes the ConfigMap's files into `dir`, as the Job mounts them in /config (the script and its
 * modules); returns their names and the parsed config.
 */
export function writeScripts(dir: string): { files: string[]; config: any } {
  const { scripts, config } = synthesized();
  for (const [name, content] of Object.entries(scripts)) fs.writeFileSync(path.join(dir, name), content);
  return { files: Object.keys(scripts).sort(), config };
}

/** An Envoy log line in Envoy's default format, from the given source file of contrib/qat. */
export const envoyLog = (level: string, file: string, message: string) =>
  `[2026-11-30 10:00:00.123][17][${level}][connection] [contrib/qat/private_key_providers/source/${file}] ${message}`;
export const UNRELATED = '[2026-11-30 09:59:59.001][1][warning][main] [source/server/server.cc:843] an unrelated warning';

/** Calls a function of one of the script's modules in `dir` with JSON arguments, in a fresh interpreter. */
export function callScript(dir: string, fn: string, args: unknown[], env: Record<string, string> = {}): any {
  const [module, name] = fn.split('.');
  const code = `import json, sys, ${module}\nprint(json.dumps(${module}.${name}(*json.loads(sys.argv[1]))))`;
  return JSON.parse(execFileSync('python3', ['-c', code, JSON.stringify(args)], {
    encoding: 'utf8', env: { ...process.env, PYTHONPATH: dir, PYTHONDONTWRITEBYTECODE: '1', ...env },
  }));
}
