// The pinned fortio for the suites that run it (*.tools.test.ts): installed on first use from the
// Go module proxy into .cache/tools.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Versions } from '../../src';

/** The pinned fortio, installed on first use from the Go module proxy; a missing binary fails, never skips. */
export function pinnedFortio(): string {
  const fortio = process.env.ATLS_FORTIO ?? path.join(__dirname, '..', '..', '.cache', 'tools', 'fortio');
  const version = () => execFileSync(fortio, ['version'], { encoding: 'utf8' }).trim();
  if (!process.env.ATLS_FORTIO && !(fs.existsSync(fortio) && version() === Versions.FORTIO_VERSION.slice(1))) {
    execFileSync('go', ['install', `fortio.org/fortio@${Versions.FORTIO_VERSION}`], {
      env: { ...process.env, CGO_ENABLED: '0', GOBIN: path.dirname(fortio) }, stdio: 'inherit',
    });
  }
  if (!fs.existsSync(fortio) || version() !== Versions.FORTIO_VERSION.slice(1)) {
    throw new Error(`fortio ${Versions.FORTIO_VERSION} not found at ${fortio} (set ATLS_FORTIO)`);
  }
  return fortio;
}
