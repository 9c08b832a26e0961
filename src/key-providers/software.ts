import { IConstruct } from 'constructs';
import { ProviderBehaviour, ProviderFinding } from './behaviour';
import { KeyProviderKind, NodePlacement, SoftwareProviderOptions } from './options';
import { checkPlacement, cryptoMbAffinity, missingQatPlugin, placementFindings, qatNodeSelector, qatPlugin } from './placement';
import { AppRegistry } from '../core/app-registry';
import { ruleError } from '../core/rules';
import { EnvoyProxySpecProviderKubernetesEnvoyDeploymentPodAffinity as PodAffinity } from '../imports/gateway.envoyproxy.io';

/** @internal No provider: BoringSSL in software, optionally placed like a CryptoMB or QAT gateway. */
export class SoftwareProvider extends ProviderBehaviour {
  public readonly kind = KeyProviderKind.SOFTWARE;
  public readonly configType = undefined;
  public readonly benchmarkEvidence = undefined;
  public readonly placement?: NodePlacement;
  public readonly onQatNodes: boolean;

  constructor(options: SoftwareProviderOptions) {
    super();
    this.placement = options.placement !== undefined && options.placement !== NodePlacement.ANY ? options.placement : undefined;
    this.onQatNodes = options.onQatNodes ?? false;
  }

  public validate(scope: IConstruct, prop: string): void {
    checkPlacement(scope, prop, this.placement);
    if (this.onQatNodes && this.placement !== undefined) {
      throw ruleError('ATLS-KEY005', scope, `${prop}.onQatNodes`, 'a baseline is placed like QAT or like CryptoMB, not both: drop placement');
    }
  }

  public nodeSelector(reg: AppRegistry): Record<string, string> | undefined {
    return this.onQatNodes ? qatNodeSelector(reg) : undefined;
  }

  public affinity(reg: AppRegistry): PodAffinity | undefined {
    return cryptoMbAffinity(this.placement, reg);
  }

  public appFindings(reg: AppRegistry): ProviderFinding[] {
    const out = placementFindings(this.placement, reg);
    if (this.onQatNodes && !qatPlugin(reg)) out.push(missingQatPlugin('onQatNodes', 'no node is known to be QAT-ready'));
    return out;
  }
}
