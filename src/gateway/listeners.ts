// A gateway's listeners resolved: defaults applied, names and namespaces checked, in order.
import { IConstruct } from 'constructs';
import { GatewayListener, ListenerBackend, ListenerProtocol } from './props';
import { TlsCertificate } from '../certificates/tls-certificate';
import { ruleError } from '../core/rules';
import { checkEnum, checkHostname, checkLabel, checkPort, checkSubdomain } from '../core/validation';

/** @internal One listener with its defaults applied and its namespaces resolved. */
export interface ResolvedListener {
  readonly name: string;
  readonly port: number;
  readonly protocol: ListenerProtocol;
  readonly hostname?: string;
  readonly certificate: TlsCertificate;
  readonly secretNamespace: string;
  readonly backend: ListenerBackend;
  readonly backendNamespace: string;
  /** Where the listener was given (`listeners[i]`), for messages. */
  readonly prop: string;
}

/** @internal The `namespace/name` of the Secret a listener serves. */
export function secretKey(l: ResolvedListener): string {
  return `${l.secretNamespace}/${l.certificate.secretName}`;
}

/**
 * @internal Resolves and checks the listeners of gateway `gatewayName` in `namespace`: names
 * unique (explicit when a port is shared), port and hostname pairs unique, references valid.
 */
export function resolveListeners(scope: IConstruct, gatewayName: string, namespace: string, listeners: GatewayListener[]): ResolvedListener[] {
  if (!Array.isArray(listeners) || listeners.length === 0) {
    throw ruleError('ATLS-GW001', scope, 'listeners', 'at least one listener is required');
  }
  const ports = new Map<number, number>();
  for (const l of listeners) ports.set(l?.port ?? 443, (ports.get(l?.port ?? 443) ?? 0) + 1);
  const names = new Set<string>();
  const pairs = new Set<string>();
  return listeners.map((l, i) => {
    const prop = `listeners[${i}]`;
    if (!l || !(l.certificate instanceof TlsCertificate)) throw ruleError('ATLS-GW001', scope, `${prop}.certificate`, 'a TlsCertificate is required');
    const problem = l.certificate._source.problem;
    if (problem) throw ruleError(problem.ruleId, scope, `${prop}.certificate.${problem.prop}`, problem.detail);
    if (!l.backend) throw ruleError('ATLS-GW001', scope, `${prop}.backend`, 'a backend is required');
    const port = checkPort(scope, 'ATLS-GW004', `${prop}.port`, l.port ?? 443);
    if (l.name === undefined && (ports.get(port) ?? 0) > 1) {
      throw ruleError('ATLS-GW002', scope, `${prop}.name`, `listeners sharing port ${port} need explicit names`);
    }
    const name = checkSubdomain(scope, 'ATLS-NAME001', `${prop}.name`, l.name ?? `tls-${port}`);
    checkSubdomain(scope, 'ATLS-NAME001', `${prop}.name`, `${gatewayName}-${name}`); // the route's name
    if (names.has(name)) throw ruleError('ATLS-GW002', scope, `${prop}.name`, `'${name}' is used by another listener`);
    names.add(name);
    const hostname = l.hostname === undefined ? undefined : checkHostname(scope, 'ATLS-NAME001', `${prop}.hostname`, l.hostname);
    const pair = `${port}/${hostname ?? '*'}`;
    if (pairs.has(pair)) throw ruleError('ATLS-GW003', scope, `${prop}.hostname`, `port ${port} and hostname '${hostname ?? '(any)'}' are used by another listener`);
    pairs.add(pair);
    const protocol = l.protocol ?? ListenerProtocol.TLS;
    checkEnum(scope, `${prop}.protocol`, protocol, ListenerProtocol);
    checkSubdomain(scope, 'ATLS-NAME001', `${prop}.certificate.secretName`, l.certificate.secretName);
    const secretNamespace = checkLabel(scope, 'ATLS-NAME001', `${prop}.certificate.namespace`, l.certificate.secretNamespace ?? namespace);
    checkLabel(scope, 'ATLS-NAME001', `${prop}.backend.serviceName`, l.backend.serviceName);
    checkPort(scope, 'ATLS-GW004', `${prop}.backend.port`, l.backend.port);
    const backendNamespace = checkLabel(scope, 'ATLS-NAME001', `${prop}.backend.namespace`, l.backend.namespace ?? namespace);
    return { name, port, protocol, hostname, certificate: l.certificate, secretNamespace, backend: l.backend, backendNamespace, prop };
  });
}
