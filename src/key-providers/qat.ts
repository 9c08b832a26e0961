import { IConstruct } from 'constructs';
import { BenchmarkEvidence, LogEvidence, ProviderFinding } from './behaviour';
import { QAT_CONFIG_TYPE } from './config-types';
import { HardwareProvider } from './hardware';
import { KeyProviderKind, QatProviderOptions } from './options';
import { missingQatPlugin, qatPlugin } from './placement';
import { KeyAlgorithm, KeyType } from '../certificates/key-algorithm';
import { AppRegistry } from '../core/app-registry';
import { checkPositiveInt, checkResourceName } from '../core/validation';
import {
  EnvoyProxySpecLogging, EnvoyProxySpecLoggingLevel as Level,
  EnvoyProxySpecProviderKubernetesEnvoyDeploymentStrategy as DeploymentStrategy,
  EnvoyProxySpecProviderKubernetesEnvoyDeploymentStrategyRollingUpdateMaxSurge as MaxSurge,
  EnvoyProxySpecProviderKubernetesEnvoyDeploymentStrategyRollingUpdateMaxUnavailable as MaxUnavailable,
} from '../imports/gateway.envoyproxy.io';

/**
 * QAT publishes no stats, but logs whether it started (contrib/qat/private_key_providers/source/
 * at Envoy v1.39): qat.cc `QatManager` warns "Failed to start QAT device." when qatlib's
 * icp_sal_userStart fails; qat_private_key_provider.cc warns "Only RSA keys are supported." and
 * "Failed to start QAT.", and logs "initialized QAT private key provider" at info, all on Envoy's
 * `connection` logger. Envoy Gateway runs Envoy at `--log-level warn` (and misc:error), so a QAT
 * gateway raises that one logger to info (`envoyLogging`).
 */
const EVIDENCE: LogEvidence = {
  container: 'envoy',
  started: 'initialized QAT private key provider',
  fallbacks: [
    ['Failed to start QAT device.', 'QAT device not started: no VF in the pod, /dev/vfio not usable by Envoy\'s user, or memlock too low'],
    ['Only RSA keys are supported.', 'not an RSA key'],
    ['Failed to start QAT.', 'no QAT crypto instance started'],
  ],
  silent: 'it logs its start at info on the connection logger',
};

/** @internal Intel QAT: RSA keys, one device-plugin resource per Envoy pod. */
export class QatProvider extends HardwareProvider {
  public readonly kind = KeyProviderKind.QAT;
  public readonly configType = QAT_CONFIG_TYPE;
  public readonly benchmarkEvidence: BenchmarkEvidence = EVIDENCE;
  // Its pods land where the device plugin advertises VFs; a baseline goes there by selector.
  public readonly onQatNodes = true;
  public readonly baselineOption = 'onQatNodes';
  public readonly resourceName: string;
  public readonly resourcesPerReplica: number;

  constructor(options: QatProviderOptions) {
    super(options);
    this.resourceName = options.resourceName ?? 'qat.intel.com/cy';
    this.resourcesPerReplica = options.resourcesPerReplica ?? 1;
  }

  public validate(scope: IConstruct, prop: string): void {
    super.validate(scope, prop);
    checkPositiveInt(scope, 'ATLS-GW006', `${prop}.resourcesPerReplica`, this.resourcesPerReplica);
    checkResourceName(scope, 'ATLS-NAME001', `${prop}.resourceName`, this.resourceName);
  }

  public podResources(): Record<string, string> {
    return { [this.resourceName]: String(this.resourcesPerReplica) };
  }

  public rolloutStrategy(): DeploymentStrategy {
    // A surge pod would need a free QAT VF; when all are taken the rollout would never
    // finish. Replacing one pod at a time frees its VF first.
    return { type: 'RollingUpdate', rollingUpdate: { maxSurge: MaxSurge.fromNumber(0), maxUnavailable: MaxUnavailable.fromNumber(1) } };
  }

  public envoyLogging(): EnvoyProxySpecLogging {
    // Envoy Gateway's levels, with the logger QAT says it started on at info.
    return { level: { default: Level.WARN, connection: Level.INFO, misc: Level.ERROR } };
  }

  public keyFit(alg: KeyAlgorithm): Omit<ProviderFinding, 'prop'> | undefined {
    if (alg.type === KeyType.RSA) return undefined;
    return { ruleId: 'ATLS-KEY002', detail: `QAT accelerates RSA keys only; ${alg.describe()} would silently fall back to software` };
  }

  public appFindings(reg: AppRegistry): ProviderFinding[] {
    const out = super.appFindings(reg);
    const plugin = qatPlugin(reg);
    if (!plugin) out.push(missingQatPlugin('resourceName', `nothing advertises ${this.resourceName}`));
    if (!plugin || plugin.resourceNames.includes(this.resourceName)) return out;
    return [...out, {
      ruleId: 'ATLS-QAT001',
      prop: 'resourceName',
      detail: `the app's QAT device plugin advertises ${plugin.resourceNames.join(', ')}, not ${this.resourceName}`,
    }];
  }
}
