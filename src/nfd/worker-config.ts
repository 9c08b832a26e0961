import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ruleError } from '../core/rules';
import { Versions } from '../core/versions';

/**
 * Settings of `nfd-worker.conf` (NFD v0.19.0). Unset fields keep nfd-worker's built-in
 * defaults, which is what upstream's entirely commented-out example file amounts to.
 */
export interface NfdWorkerConfig {
  /**
   * Label sources (`core.labelSources`): `all`, or source names (`cpu`, `custom`, `kernel`,
   * `local`, `memory`, `network`, `pci`, `storage`, `system`, `usb`); a `-` prefix disables one.
   * Features stay available to NodeFeatureRules whatever is labelled.
   * @default ['all']
   */
  readonly labelSources?: string[];
  /**
   * Regular expression the names of published labels must match (`core.labelWhiteList`).
   * @default every label
   */
  readonly labelWhiteList?: string;
  /**
   * CPUID features labelled even when blacklisted (`sources.cpu.cpuid.attributeWhitelist`);
   * when set, only these are labelled.
   * @default none
   */
  readonly cpuidAttributeWhitelist?: string[];
  /**
   * CPUID features never labelled (`sources.cpu.cpuid.attributeBlacklist`). Replaces NFD's
   * default list (AVX10, BMI1, BMI2, CLMUL, ... SSSE3, TDX_GUEST).
   * @default NFD's default blacklist
   */
  readonly cpuidAttributeBlacklist?: string[];
  /**
   * How often nfd-worker rediscovers features (`core.sleepInterval`); at least 1 second.
   * @default Duration.seconds(60)
   */
  readonly sleepInterval?: Duration;
}

const LABEL_SOURCES = ['all', 'cpu', 'custom', 'fake', 'kernel', 'local', 'memory', 'network', 'pci', 'storage', 'system', 'usb'];
const CPUID = /^[A-Z0-9_]+$/;

/** @internal What nfd-worker reads when nothing is set: its built-in defaults. */
export const EMPTY_CONFIG = `# Empty: the built-in defaults of NFD ${Versions.NODE_FEATURE_DISCOVERY} apply.\n`;

/**
 * @internal `nfd-worker.conf` for `config` (prop `workerConfig`), validated. YAML written by
 * hand: the library has no runtime dependencies beyond cdk8s.
 */
export function renderWorkerConfig(scope: IConstruct, config: NfdWorkerConfig | undefined): string {
  if (config === undefined) return EMPTY_CONFIG;
  const fail = (prop: string, detail: string) => ruleError('ATLS-NFD001', scope, `workerConfig.${prop}`, detail);
  if (typeof config !== 'object' || config === null) throw fail('', 'must be an object');
  const list = (prop: string, v: unknown, ok: (s: string) => boolean, what: string): string[] | undefined => {
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) throw fail(prop, 'must be a list of strings');
    for (const s of v) if (typeof s !== 'string' || !ok(s)) throw fail(prop, `'${s}' is not ${what}`);
    return v;
  };
  const core: string[] = [];
  const labelSources = list('labelSources', config.labelSources, (s) => LABEL_SOURCES.includes(s.replace(/^-/, '')),
    `a label source (${LABEL_SOURCES.join(', ')}, optionally prefixed with '-')`);
  if (config.labelWhiteList !== undefined) {
    const re = config.labelWhiteList;
    if (typeof re !== 'string' || !compiles(re)) throw fail('labelWhiteList', `'${re}' is not a regular expression`);
    core.push(`  labelWhiteList: ${JSON.stringify(re)}`);
  }
  if (labelSources) core.push(`  labelSources: ${flow(labelSources)}`);
  if (config.sleepInterval !== undefined) core.push(`  sleepInterval: ${goDuration(config.sleepInterval, fail)}`);
  const cpuid: string[] = [];
  const black = list('cpuidAttributeBlacklist', config.cpuidAttributeBlacklist, (s) => CPUID.test(s), 'a CPUID feature name (e.g. BMI2)');
  const white = list('cpuidAttributeWhitelist', config.cpuidAttributeWhitelist, (s) => CPUID.test(s), 'a CPUID feature name (e.g. BMI2)');
  if (black) cpuid.push(`      attributeBlacklist: ${flow(black)}`);
  if (white) cpuid.push(`      attributeWhitelist: ${flow(white)}`);
  const lines = [
    ...(core.length ? ['core:', ...core] : []),
    ...(cpuid.length ? ['sources:', '  cpu:', '    cpuid:', ...cpuid] : []),
  ];
  return lines.length ? `${lines.join('\n')}\n` : EMPTY_CONFIG;
}

function flow(items: string[]): string {
  return `[${items.map((s) => JSON.stringify(s)).join(', ')}]`;
}

function compiles(re: string): boolean {
  try {
    new RegExp(re);
    return true;
  } catch {
    return false;
  }
}

function goDuration(d: Duration, fail: (prop: string, detail: string) => Error): string {
  const ms = d instanceof Duration ? d.toMilliseconds({ integral: false }) : NaN;
  if (!Number.isInteger(ms) || ms < 1000) throw fail('sleepInterval', `${Number.isFinite(ms) ? ms + ' ms' : String(d)} is not a whole number of milliseconds of at least 1s`);
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
