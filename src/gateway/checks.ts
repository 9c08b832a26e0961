// The rules that span gateways: a shared GatewayClass and the Secrets of merged gateways. They
// are computed once per app over every gateway (linear in their number), not once per gateway.
import { IConstruct } from 'constructs';
import { ResolvedListener, secretKey } from './listeners';
import { AppRegistry } from '../core/app-registry';
import { propName } from '../core/messages';
import { Finding, finding } from '../core/rules';
import { KeyProviderKind } from '../key-providers/options';

/** @internal What the app-wide checks need to know of one gateway. */
export interface GatewayFacts {
  readonly scope: IConstruct;
  /** `namespace/name` of the Gateway. */
  readonly gatewayKey?: string;
  readonly gatewayClassName: string;
  readonly mergeGateways: boolean;
  readonly createsClass: boolean;
  readonly providerKind: KeyProviderKind;
  readonly hasEnvoyOptions: boolean;
  readonly envoyServiceName: string;
  readonly listeners: ResolvedListener[];
}

/** @internal The app's gateways, checked together at synth. */
export class GatewayChecks {
  /** The app's instance, its check registered once. */
  public static of(scope: IConstruct): GatewayChecks {
    const reg = AppRegistry.of(scope);
    return reg.memo('gateway-checks', () => {
      const checks = new GatewayChecks();
      reg.addCheck(() => checks.findings());
      return checks;
    });
  }

  private readonly gateways: GatewayFacts[] = [];

  private constructor() {}

  public add(facts: GatewayFacts): void {
    this.gateways.push(facts);
  }

  public findings(): (Finding | undefined)[] {
    const byClass = new Map<string, GatewayFacts[]>();
    // A gateway named like an earlier one collides with it object by object (ATLS-APP001, once):
    // the class it would share follows from that, so it is not reported again.
    const names = new Set<string>();
    const distinct = this.gateways.filter((g) => {
      if (g.gatewayKey === undefined) return true;
      const again = names.has(g.gatewayKey);
      names.add(g.gatewayKey);
      return !again;
    });
    for (const g of distinct) {
      const members = byClass.get(g.gatewayClassName);
      if (members) members.push(g);
      else byClass.set(g.gatewayClassName, [g]);
    }
    const out: (Finding | undefined)[] = [];
    for (const members of byClass.values()) {
      const owners = members.filter((m) => m.createsClass);
      out.push(...duplicateSecrets(members));
      out.push(...members.flatMap((g) => sharedClass(g, owners)));
    }
    return out;
  }
}

/**
 * The same Secret behind two listeners of a gateway, or of two gateways merged into one class:
 * Envoy Gateway builds duplicate xDS Secrets and the key provider patch can be lost.
 */
function duplicateSecrets(members: GatewayFacts[]): (Finding | undefined)[] {
  const out: (Finding | undefined)[] = [];
  const mergedSeen = new Map<string, string>();
  for (const g of members) {
    const seen = g.mergeGateways ? mergedSeen : new Map<string, string>();
    for (const l of g.listeners) {
      const key = secretKey(l);
      const first = seen.get(key);
      if (first) {
        out.push(finding('ATLS-SEC001', g.scope, `${l.prop}.certificate`,
          `Secret '${key}' also backs ${first}: Envoy Gateway builds duplicate xDS Secrets and the key provider patch can be lost; use one Secret per listener`));
      } else {
        seen.set(key, `${g.scope.node.path} ${l.name}`);
      }
    }
  }
  return out;
}

/**
 * Gateways share a GatewayClass (its EnvoyProxy, and so one Envoy Service name) only when
 * merged: exactly one creates it, all set mergeGateways, use one provider kind and leave the
 * Envoy settings to the creator.
 */
function sharedClass(g: GatewayFacts, owners: GatewayFacts[]): (Finding | undefined)[] {
  const violation = (prop: string, detail: string) => finding('ATLS-MRG001', g.scope, prop, detail);
  if (owners.length > 1 || (owners.length === 0 && g.mergeGateways)) {
    return [violation('createGatewayClass', `GatewayClass '${g.gatewayClassName}' is created by ${owners.length} gateways of the app; exactly one must create it`)];
  }
  const owner = owners[0];
  if (owner === undefined || owner === g) return [];
  const ownerPath = owner.scope.node.path;
  if (!owner.mergeGateways || !g.mergeGateways) {
    return [violation('mergeGateways',
      `GatewayClass '${g.gatewayClassName}' is created by ${ownerPath}; gateways share a class (its EnvoyProxy and Envoy Service) only when both set ${propName('mergeGateways')}`)];
  }
  const out: (Finding | undefined)[] = [];
  if (owner.providerKind !== g.providerKind) {
    out.push(violation('provider', `merged gateways run on one Envoy fleet: ${ownerPath} uses ${owner.providerKind}, this one ${g.providerKind}`));
  }
  if (g.hasEnvoyOptions) {
    out.push(violation('envoy', `the Envoy settings of merged gateways come from ${ownerPath}, which creates the class; leave them unset here`));
  } else if (owner.envoyServiceName !== g.envoyServiceName) {
    out.push(violation('envoy.serviceName', `merged gateways share one Envoy Service: '${owner.envoyServiceName}', not '${g.envoyServiceName}'`));
  }
  return out;
}
