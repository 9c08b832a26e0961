// Scripts that run in containers ship as real files in assets/ (inside the npm package, and so
// inside the wheel's embedded tarball) and are read at synth time: the file that is linted and
// tested is the file that runs. `../..` resolves from lib/core/ (compiled) and from src/core/
// (ts-jest) alike; the example compiled from source runs from build/src/core/, one level deeper.
import * as fs from 'node:fs';
import * as path from 'node:path';

const ASSETS_DIR = [path.join(__dirname, '..', '..', 'assets'), path.join(__dirname, '..', '..', '..', 'assets')]
  .find((dir) => fs.existsSync(dir)) ?? path.join(__dirname, '..', '..', 'assets');
const cache = new Map<string, string>();

/** The absolute path of a shipped asset. */
export function assetPath(name: string): string {
  return path.join(ASSETS_DIR, name);
}

/** The content of a shipped asset, read once per process. */
export function readAsset(name: string): string {
  let content = cache.get(name);
  if (content === undefined) {
    content = fs.readFileSync(assetPath(name), 'utf8');
    cache.set(name, content);
  }
  return content;
}

/** The host-preparation script QatHostPrep runs in the host's namespaces (bash). */
export const QAT_HOST_PREP_ASSET = 'qat-host-prep.sh';
/** The HandshakeBenchmark Job's script (Python 3, standard library only). */
export const HANDSHAKE_BENCHMARK_ASSET = 'handshake-benchmark.py';
/** The modules the benchmark script imports from its own directory. */
export const HANDSHAKE_BENCHMARK_MODULES = ['handshake_kube.py', 'handshake_evidence.py', 'handshake_health.py', 'handshake_clients.py'];
/** The HandshakeCheck Job's script (Python 3, standard library only). */
export const HANDSHAKE_CHECK_ASSET = 'handshake-check.py';
/** The modules the check script imports from its own directory (shared with the benchmark). */
export const HANDSHAKE_CHECK_MODULES = ['handshake_kube.py', 'handshake_evidence.py', 'handshake_health.py'];
