// The constructor-tier checks: each takes the rule id it reports under, the construct (or the
// factory, for input checked before any construct exists), the prop, and returns the value.
import { Size, SizeRoundingBehavior } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { isDns1035Label, isHostname, isSubdomain } from './formats';
import { shown } from './messages';
import { cpuCores } from './names';
import { RuleId } from './rule-catalog';
import { ruleError } from './rules';

type Where = IConstruct | string;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// Label keys: an optional DNS-subdomain prefix and a name of at most 63 characters.
const LABEL_KEY = /^(([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const RESOURCE_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

export function checkLabel(where: Where, rule: RuleId, prop: string, value: string): string {
  if (typeof value !== 'string' || value.length > 63 || !DNS1123_LABEL.test(value)) {
    throw ruleError(rule, where, prop, `${shown(value)} is not a DNS-1123 label (lowercase alphanumerics and '-', at most 63 characters)`);
  }
  return value;
}

export function checkSubdomain(where: Where, rule: RuleId, prop: string, value: string): string {
  if (!isSubdomain(value)) {
    throw ruleError(rule, where, prop, `${shown(value)} is not a DNS-1123 subdomain (lowercase alphanumerics, '-' and '.', at most 253 characters)`);
  }
  return value;
}

export function checkDns1035Label(where: Where, rule: RuleId, prop: string, value: string): string {
  if (!isDns1035Label(value)) throw ruleError(rule, where, prop, `${shown(value)} is not a DNS-1035 label (at most 63 characters)`);
  return value;
}

export function checkHostname(where: Where, rule: RuleId, prop: string, value: string): string {
  if (!isHostname(value)) {
    throw ruleError(rule, where, prop, `${shown(value)} is not a valid hostname (a lowercase DNS name, optionally starting with '*.')`);
  }
  return value;
}

export function checkPort(where: Where, rule: RuleId, prop: string, value: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw ruleError(rule, where, prop, `${shown(value, 'number')} is not a port number (an integer within 1–65535)`);
  }
  return value;
}

/** An extended resource name: `<DNS subdomain>/<name>` (e.g. `qat.intel.com/cy`). */
export function checkResourceName(where: Where, rule: RuleId, prop: string, value: string): string {
  const [prefix, name, ...rest] = typeof value === 'string' ? value.split('/') : [];
  const ok = rest.length === 0 && isSubdomain(prefix) && name !== undefined && name.length <= 63 && RESOURCE_NAME.test(name);
  if (!ok) throw ruleError(rule, where, prop, `${shown(value)} is not an extended resource name (<domain>/<name>)`);
  return value;
}

/** An integer within `min`–`max`. */
export function checkInt(where: Where, rule: RuleId, prop: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw ruleError(rule, where, prop, `${shown(value, 'number')} is not an integer ${max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `within ${min}–${max}`}`);
  }
  return value;
}

/** A positive integer (counts: replicas, concurrency, resources). */
export function checkPositiveInt(where: Where, rule: RuleId, prop: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw ruleError(rule, where, prop, `${shown(value, 'number')} is not a positive integer`);
  return value;
}

/** A value of a string enum (jsii callers can pass any string): ATLS-ENUM001 wherever it is checked. */
export function checkEnum<T extends string>(where: Where, prop: string, value: T, e: Record<string, string>): T {
  if (!Object.values(e).includes(value)) throw ruleError('ATLS-ENUM001', where, prop, `${shown(value)} is not one of ${Object.values(e).join(', ')}`);
  return value;
}

/** A node selector: valid label keys and values. */
export function checkLabelMap(where: Where, rule: RuleId, prop: string, map: { [key: string]: string }): void {
  if (typeof map !== 'object' || map === null || Array.isArray(map)) throw ruleError(rule, where, prop, 'must be a map of label keys to values');
  for (const [k, v] of Object.entries(map)) {
    const name = k.split('/').pop()!;
    if (!LABEL_KEY.test(k) || name.length > 63 || k.length - name.length > 254) throw ruleError(rule, where, `${prop}.${k}`, 'is not a valid label key');
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) throw ruleError(rule, where, `${prop}.${k}`, `${shown(v)} is not a valid label value`);
  }
}

/** An image reference: a string without whitespace (undefined passes: the default applies); ATLS-IMG002 wherever it is checked. */
export function checkImage(where: Where, prop: string, image: string | undefined): string | undefined {
  if (image !== undefined && (typeof image !== 'string' || !/^\S+$/.test(image))) throw ruleError('ATLS-IMG002', where, prop, `${shown(image)} is not an image reference`);
  return image;
}

/** A positive CPU amount. */
export function checkCpu(where: Where, rule: RuleId, prop: string, cpu: Cpu): Cpu {
  if (!(cpuCores(cpu) > 0)) throw ruleError(rule, where, prop, 'must be positive');
  return cpu;
}

/** A memory size as whole mebibytes (`4096Mi`), positive. */
export function mebibytes(where: Where, rule: RuleId, prop: string, size: Size): string {
  const mib = size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(mib) || mib <= 0) {
    throw ruleError(rule, where, prop, `${size.toKibibytes({ rounding: SizeRoundingBehavior.NONE })} KiB is not a positive whole number of MiB`);
  }
  return `${mib}Mi`;
}

/** A list with at least one entry, else `detail` under `rule`. */
export function checkNonEmptyList<T>(where: Where, rule: RuleId, prop: string, value: T[] | undefined, detail: string): T[] {
  if (!Array.isArray(value) || value.length === 0) throw ruleError(rule, where, prop, detail);
  return value;
}
