// Names and quantities derived from props (their checks are in validation.ts).
import * as crypto from 'node:crypto';
import { Duration } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { isDns1035Label } from './formats';

/** A CPU amount in cores (`1500m` → 1.5). */
export function cpuCores(cpu: Cpu): number {
  const a = cpu.amount;
  return a.endsWith('m') ? Number(a.slice(0, -1)) / 1000 : Number(a);
}

/** Proto JSON Duration: seconds with 0, 3, 6 or 9 fractional digits (`0.001s`). */
export function protoDuration(d: Duration): string {
  const nanos = Math.round(d.toMilliseconds({ integral: false }) * 1e6);
  const secs = Math.floor(nanos / 1e9);
  const frac = nanos % 1e9;
  if (frac === 0) return `${secs}s`;
  const digits = frac % 1e6 === 0 ? 3 : frac % 1e3 === 0 ? 6 : 9;
  return `${secs}.${String(frac).padStart(9, '0').slice(0, digits)}s`;
}

/** Short, stable hash for names derived from long inputs. */
export function shortHash(input: string, length = 8): string {
  return crypto.createHash('sha256').update(input).digest('hex').slice(0, length);
}

/**
 * A DNS-1035 label (Service names) of at most 63 characters: kept as is when it
 * fits, otherwise truncated and suffixed with a hash of the full name so it stays unique.
 */
export function dns1035(name: string): string {
  let n = name.toLowerCase().replace(/[^-a-z0-9]/g, '-');
  if (!/^[a-z]/.test(n)) n = `x${n}`;
  if (isDns1035Label(n)) return n;
  const hash = shortHash(name);
  return `${n.slice(0, 63 - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/** A DNS-1123 label derived from a construct id. */
export function labelFromId(id: string): string {
  const n = id.toLowerCase().replace(/[^-a-z0-9]/g, '-').replace(/^-+|-+$/g, '');
  if (n.length > 0 && n.length <= 63) return n;
  return `${n.slice(0, 54).replace(/-+$/, '')}-${shortHash(id)}`.replace(/^-/, 'x');
}
