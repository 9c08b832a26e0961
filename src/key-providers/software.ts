import { IConstruct } from 'constructs';
import { AppRegistry } from '../app-registry';
import { ProviderBehaviour, ProviderFinding } from './behaviour';
import { KeyProviderKind, NodePlacement, SoftwareProviderOptions } from './options';
import { checkPlacement, cryptoMbAffinity, placementFindings } from './placement';
import { EnvoyProxySpecProviderKubernetesEnvoyDeploymentPodAffinity as PodAffinity } from '../imports/gateway.envoyproxy.io';

/** @internal No provider: BoringSSL in software, optionally placed like a CryptoMB gateway. */
export class SoftwareProvider extends ProviderBehaviour {
  public readonly kind = KeyProviderKind.SOFTWARE;
  public readonly configType = undefined;
  public readonly benchmarkEvidence = undefined;
  public readonly placement?: NodePlacement;

  constructor(options: SoftwareProviderOptions) {
    super();
    this.placement = options.placement !== undefined && options.placement !== NodePlacement.ANY ? options.placement : undefined;
  }

  public validate(scope: IConstruct, prop: string): void {
    checkPlacement(scope, prop, this.placement);
  }

  public affinity(reg: AppRegistry): PodAffinity | undefined {
    return cryptoMbAffinity(this.placement, reg);
  }

  public appFindings(reg: AppRegistry): ProviderFinding[] {
    return placementFindings(this.placement, reg);
  }
}
