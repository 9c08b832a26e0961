import * as crypto from 'node:crypto';
import { IConstruct } from 'constructs';
import { ruleError } from './rules';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
// Gateway API listener hostnames: a DNS name, optionally with one leading wildcard label.
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** @internal */
export function checkLabel(scope: IConstruct, prop: string, value: string): string {
  if (typeof value !== 'string' || value.length > 63 || !DNS1123_LABEL.test(value)) {
    throw ruleError('ATLS-GW005', scope, prop, `'${value}' is not a DNS-1123 label (lowercase alphanumerics and '-', at most 63 characters)`);
  }
  return value;
}

/** @internal */
export function checkSubdomain(scope: IConstruct, prop: string, value: string): string {
  if (typeof value !== 'string' || value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) {
    throw ruleError('ATLS-GW005', scope, prop, `'${value}' is not a DNS-1123 subdomain (lowercase alphanumerics, '-' and '.', at most 253 characters)`);
  }
  return value;
}

/** @internal */
export function checkHostname(scope: IConstruct, prop: string, value: string): string {
  const labelsOk = typeof value === 'string' && value.split('.').every((l) => l.length <= 63);
  if (!labelsOk || value.length > 253 || !HOSTNAME.test(value)) {
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
