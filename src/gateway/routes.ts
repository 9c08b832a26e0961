// What a gateway's listeners become: the Gateway's listeners, one route per listener, and
// ReferenceGrants for Secrets and backends in other namespaces.
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ResolvedListener, secretKey } from './listeners';
import { ListenerProtocol } from './props';
import {
  Gateway, GatewaySpecListenersAllowedRoutesNamespacesFrom, GatewaySpecListenersTlsMode, HttpRoute, ReferenceGrant, ReferenceGrantSpecTo, TcpRoute,
} from '../imports/gateway.networking.k8s.io';

/** @internal The Gateway API group. */
export const GW_GROUP = 'gateway.networking.k8s.io';

/** @internal Who a gateway is (names its objects and its routes' parent). */
export interface GatewayIdentity {
  readonly name: string;
  readonly namespace: string;
  readonly gatewayClassName: string;
}

/** @internal The Gateway: one TLS-terminating listener per resolved listener. */
export function addGateway(scope: Construct, gw: GatewayIdentity, listeners: ResolvedListener[]): ApiObject {
  return new Gateway(scope, 'Gateway', {
    metadata: { name: gw.name, namespace: gw.namespace },
    spec: {
      gatewayClassName: gw.gatewayClassName,
      listeners: listeners.map((l) => ({
        name: l.name,
        port: l.port,
        protocol: l.protocol,
        ...(l.hostname ? { hostname: l.hostname } : {}),
        tls: {
          mode: GatewaySpecListenersTlsMode.TERMINATE,
          certificateRefs: [{
            group: '',
            kind: 'Secret',
            name: l.certificate.secretName,
            ...(l.secretNamespace !== gw.namespace ? { namespace: l.secretNamespace } : {}),
          }],
        },
        allowedRoutes: { namespaces: { from: GatewaySpecListenersAllowedRoutesNamespacesFrom.SAME } },
      })),
    },
  });
}

/** @internal The route of a listener: a TCPRoute for TLS, an HTTPRoute for HTTPS. */
export function addRoute(scope: Construct, gw: GatewayIdentity, l: ResolvedListener): ApiObject {
  const metadata = { name: `${gw.name}-${l.name}`, namespace: gw.namespace };
  const parentRefs = [{ group: GW_GROUP, kind: 'Gateway', name: gw.name, sectionName: l.name }];
  const backendRefs = [{
    group: '',
    kind: 'Service',
    name: l.backend.serviceName,
    port: l.backend.port,
    weight: 1,
    ...(l.backendNamespace !== gw.namespace ? { namespace: l.backendNamespace } : {}),
  }];
  if (l.protocol === ListenerProtocol.HTTPS) {
    return new HttpRoute(scope, `Route-${l.name}`, {
      metadata,
      spec: { parentRefs, ...(l.hostname ? { hostnames: [l.hostname] } : {}), rules: [{ backendRefs }] },
    });
  }
  return new TcpRoute(scope, `Route-${l.name}`, { metadata, spec: { parentRefs, rules: [{ backendRefs }] } });
}

/** @internal One ReferenceGrant per other namespace holding a Secret or a backend of the gateway. */
export function addReferenceGrants(scope: Construct, gw: GatewayIdentity, listeners: ResolvedListener[]): ApiObject[] {
  const byNamespace = new Map<string, { from: Set<string>; to: Map<string, ReferenceGrantSpecTo> }>();
  const add = (ns: string, fromKind: string, to: ReferenceGrantSpecTo) => {
    if (ns === gw.namespace) return;
    const entry = byNamespace.get(ns) ?? { from: new Set<string>(), to: new Map<string, ReferenceGrantSpecTo>() };
    entry.from.add(fromKind);
    entry.to.set(`${to.kind}/${to.name}`, to);
    byNamespace.set(ns, entry);
  };
  for (const l of listeners) {
    add(l.secretNamespace, 'Gateway', { group: '', kind: 'Secret', name: l.certificate.secretName });
    add(l.backendNamespace, l.protocol === ListenerProtocol.HTTPS ? 'HTTPRoute' : 'TCPRoute', { group: '', kind: 'Service', name: l.backend.serviceName });
  }
  return [...byNamespace.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([ns, e]) => new ReferenceGrant(scope, `ReferenceGrant-${ns}`, {
    metadata: { name: `${gw.namespace}-${gw.name}`, namespace: ns },
    spec: {
      from: [...e.from].sort().map((kind) => ({ group: GW_GROUP, kind, namespace: gw.namespace })),
      to: [...e.to.keys()].sort().map((k) => e.to.get(k)!),
    },
  }));
}

/** @internal The objects making each distinct Secret exist (PEM Secrets, cert-manager Certificates). */
export function addCertificateObjects(scope: Construct, listeners: ResolvedListener[]): void {
  const done = new Set<string>();
  for (const l of listeners) {
    const key = secretKey(l);
    if (done.has(key)) continue;
    done.add(key);
    l.certificate._source.addObjects(scope, l.certificate.secretName, l.secretNamespace);
  }
}
