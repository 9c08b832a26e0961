import * as crypto from 'node:crypto';
import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { ruleError } from './rules';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
// Gateway API listener hostnames: a DNS name, optionally with one leading wildcard label.
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** @internal whether `value` is a DNS-1123 subdomain. */
export function isSubdomain(value: unknown): boolean {
  return typeof value === 'string' && value.length <= 253 && DNS1123_SUBDOMAIN.test(value);
}

/** @internal whether `value` is a (wildcard) DNS hostname, not an IP address. */
export function isHostname(value: unknown): boolean {
  // The Gateway API forbids IP addresses as listener hostnames.
  return typeof value === 'string' && value.length <= 253 && value.split('.').every((l) => l.length <= 63)
    && !/^[0-9.]+$/.test(value) && HOSTNAME.test(value);
}

/** @internal */
export function checkLabel(scope: IConstruct, prop: string, value: string): string {
  if (typeof value !== 'string' || value.length > 63 || !DNS1123_LABEL.test(value)) {
    throw ruleError('ATLS-GW005', scope, prop, `'${value}' is not a DNS-1123 label (lowercase alphanumerics and '-', at most 63 characters)`);
  }
  return value;
}

/** @internal */
export function checkSubdomain(scope: IConstruct, prop: string, value: string): string {
  if (!isSubdomain(value)) {
    throw ruleError('ATLS-GW005', scope, prop, `'${value}' is not a DNS-1123 subdomain (lowercase alphanumerics, '-' and '.', at most 253 characters)`);
  }
  return value;
}

/** @internal */
export function checkHostname(scope: IConstruct, prop: string, value: string): string {
  if (!isHostname(value)) {
    throw ruleError('ATLS-GW005', scope, prop, `'${value}' is not a valid hostname (a lowercase DNS name, optionally starting with '*.')`);
  }
  return value;
}

/** @internal */
export function checkPort(scope: IConstruct, prop: string, value: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw ruleError('ATLS-GW004', scope, prop, `${value} is not a port number (an integer within 1–65535)`);
  }
  return value;
}

/** @internal an extended resource name: `<DNS subdomain>/<name>` (e.g. `qat.intel.com/cy`). */
export function checkResourceName(scope: IConstruct, prop: string, value: string): string {
  const [prefix, name, ...rest] = typeof value === 'string' ? value.split('/') : [];
  const ok = rest.length === 0 && isSubdomain(prefix) && name !== undefined
    && name.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name);
  if (!ok) throw ruleError('ATLS-GW005', scope, prop, `'${value}' is not an extended resource name (<domain>/<name>)`);
  return value;
}

/** @internal a memory size as whole mebibytes (`4096Mi`), positive. */
export function mebibytes(scope: IConstruct, ruleId: string, prop: string, size: Size): string {
  const mib = size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(mib) || mib <= 0) throw ruleError(ruleId, scope, prop, `${size.toKibibytes({ rounding: SizeRoundingBehavior.NONE })} KiB is not a positive whole number of MiB`);
  return `${mib}Mi`;
}

/** @internal a CPU amount in cores (`1500m` → 1.5). */
export function cpuCores(cpu: Cpu): number {
  const a = cpu.amount;
  return a.endsWith('m') ? Number(a.slice(0, -1)) / 1000 : Number(a);
}

/** @internal proto JSON Duration: seconds with 0, 3, 6 or 9 fractional digits (`0.001s`). */
export function protoDuration(d: Duration): string {
  const nanos = Math.round(d.toMilliseconds({ integral: false }) * 1e6);
  const secs = Math.floor(nanos / 1e9);
  const frac = nanos % 1e9;
  if (frac === 0) return `${secs}s`;
  const digits = frac % 1e6 === 0 ? 3 : frac % 1e3 === 0 ? 6 : 9;
  return `${secs}.${String(frac).padStart(9, '0').slice(0, digits)}s`;
}

/** @internal short, stable hash for names derived from long inputs. */
export function shortHash(input: string, length = 8): string {
  return crypto.createHash('sha256').update(input).digest('hex').slice(0, length);
}

/**
 * @internal a DNS-1035 label (Service names) of at most 63 characters: kept as is when it
 * fits, otherwise truncated and suffixed with a hash of the full name so it stays unique.
 */
export function dns1035(name: string): string {
  let n = name.toLowerCase().replace(/[^-a-z0-9]/g, '-');
  if (!/^[a-z]/.test(n)) n = `x${n}`;
  if (n.length <= 63 && DNS1035_LABEL.test(n)) return n;
  const hash = shortHash(name);
  return `${n.slice(0, 63 - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/** @internal a DNS-1123 label derived from a construct id. */
export function labelFromId(id: string): string {
  const n = id.toLowerCase().replace(/[^-a-z0-9]/g, '-').replace(/^-+|-+$/g, '');
  if (n.length > 0 && n.length <= 63) return n;
  return `${n.slice(0, 54).replace(/-+$/, '')}-${shortHash(id)}`.replace(/^-/, 'x');
}
