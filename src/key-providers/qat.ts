import { IConstruct } from 'constructs';
import { AppRegistry } from '../app-registry';
import {
  EnvoyProxySpecProviderKubernetesEnvoyDeploymentStrategy as DeploymentStrategy,
  EnvoyProxySpecProviderKubernetesEnvoyDeploymentStrategyRollingUpdateMaxSurge as MaxSurge,
  EnvoyProxySpecProviderKubernetesEnvoyDeploymentStrategyRollingUpdateMaxUnavailable as MaxUnavailable,
} from '../imports/gateway.envoyproxy.io';
import { KeyAlgorithm, KeyType } from '../key-algorithm';
import { ruleError } from '../rules';
import { checkResourceName } from '../validation';
import { BenchmarkEvidence, ProviderConfigType, ProviderFinding } from './behaviour';
import { HardwareProvider } from './hardware';
import { KeyProviderKind, QatProviderOptions } from './options';

/** @internal Envoy's contrib `qat` provider. */
export const QAT_CONFIG_TYPE: ProviderConfigType = {
  providerName: 'qat',
  typeUrl: 'type.googleapis.com/envoy.extensions.private_key_providers.qat.v3alpha.QatPrivateKeyMethodConfig',
};

/** @internal Intel QAT: RSA keys, one device-plugin resource per Envoy pod. */
export class QatProvider extends HardwareProvider {
  public readonly kind = KeyProviderKind.QAT;
  public readonly configType = QAT_CONFIG_TYPE;
  // The qat provider publishes no stats of its own.
  public readonly benchmarkEvidence: BenchmarkEvidence = { stats: [] };
  public readonly resourceName: string;
  public readonly resourcesPerReplica: number;

  constructor(options: QatProviderOptions) {
    super(options);
    this.resourceName = options.resourceName ?? 'qat.intel.com/cy';
    this.resourcesPerReplica = options.resourcesPerReplica ?? 1;
  }

  public validate(scope: IConstruct, prop: string): void {
    super.validate(scope, prop);
    const n = this.resourcesPerReplica;
    if (!Number.isInteger(n) || n < 1) throw ruleError('ATLS-GW006', scope, `${prop}.resourcesPerReplica`, `${n} is not a positive integer`);
    checkResourceName(scope, 'ATLS-GW005', `${prop}.resourceName`, this.resourceName);
  }

  public podResources(): Record<string, string> {
    return { [this.resourceName]: String(this.resourcesPerReplica) };
  }

  public rolloutStrategy(): DeploymentStrategy {
    // A surge pod would need a free QAT VF; when all are taken the rollout would never
    // finish. Replacing one pod at a time frees its VF first.
    return { type: 'RollingUpdate', rollingUpdate: { maxSurge: MaxSurge.fromNumber(0), maxUnavailable: MaxUnavailable.fromNumber(1) } };
  }

  public keyFit(alg: KeyAlgorithm): Omit<ProviderFinding, 'prop'> | undefined {
    if (alg.type === KeyType.RSA) return undefined;
    return { ruleId: 'ATLS-KEY002', detail: `QAT accelerates RSA keys only; ${alg.describe()} would silently fall back to software` };
  }

  public appFindings(reg: AppRegistry): ProviderFinding[] {
    if (!reg.qatResources || reg.qatResources.includes(this.resourceName)) return [];
    return [{
      ruleId: 'ATLS-QAT001',
      prop: 'resourceName',
      detail: `the app's QAT device plugin advertises ${reg.qatResources.join(', ')}, not ${this.resourceName}`,
    }];
  }
}
