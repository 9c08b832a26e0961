import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { AppRegistry } from './app-registry';
import { checkLabel } from './validation';
import { Versions } from './versions';

/** Props of `EnvoyGatewayConfig`. */
export interface EnvoyGatewayConfigProps {
  /**
   * Emit the `envoy-gateway-config` ConfigMap. Set false when Envoy Gateway is managed by
   * Helm: set `config.envoyGateway.extensionApis.enableEnvoyPatchPolicy=true` there instead.
   * @default true
   */
  readonly emitConfigMap?: boolean;
  /**
   * Namespace Envoy Gateway runs in.
   * @default 'envoy-gateway-system'
   */
  readonly namespace?: string;
}

const SINGLETON = 'EnvoyGatewayConfig';
const IMPLICIT_ID = 'EnvoyGatewayConfig';

/**
 * Envoy Gateway's own configuration with EnvoyPatchPolicy enabled: the complete config the
 * Helm chart of `Versions.ENVOY_GATEWAY` renders (release images), plus `extensionApis.enableEnvoyPatchPolicy`.
 *
 * One per app. Gateways with a key provider create it in their chart unless the app creates
 * one explicitly (anywhere, before or after them): the explicit one wins.
 * Envoy Gateway reloads the ConfigMap; `kubectl rollout restart deployment envoy-gateway
 * -n envoy-gateway-system` forces it.
 */
export class EnvoyGatewayConfig extends Construct {
  /**
   * @internal the app's config, creating it in `chart` when the app has none.
   */
  public static _ensure(chart: IConstruct): EnvoyGatewayConfig {
    return AppRegistry.of(chart).ensure(SINGLETON, () => new EnvoyGatewayConfig(chart as Construct, IMPLICIT_ID));
  }

  /** The ConfigMap, or undefined when `emitConfigMap` is false. */
  public readonly configMap?: ApiObject;
  /** Namespace of Envoy Gateway. */
  public readonly namespace: string;

  constructor(scope: Construct, id: string, props: EnvoyGatewayConfigProps = {}) {
    super(scope, id);
    this.namespace = checkLabel(this, 'ATLS-GW005', 'namespace', props.namespace ?? 'envoy-gateway-system');
    // An explicit config replaces the one a gateway created on its own.
    AppRegistry.of(this).claim(SINGLETON, this);
    if (props.emitConfigMap ?? true) {
      this.configMap = new k8s.KubeConfigMap(this, 'Resource', {
        metadata: { name: 'envoy-gateway-config', namespace: this.namespace },
        data: { 'envoy-gateway.yaml': renderConfig() },
      });
    }
  }
}

/**
 * The Helm-rendered default `envoy-gateway.yaml` of `Versions.ENVOY_GATEWAY` (key order as Helm
 * renders it), with EnvoyPatchPolicy enabled and the release shutdown-manager image.
 */
function renderConfig(): string {
  return [
    'apiVersion: gateway.envoyproxy.io/v1alpha1',
    'kind: EnvoyGateway',
    'extensionApis:',
    '  enableEnvoyPatchPolicy: true',
    'gateway:',
    '  controllerName: gateway.envoyproxy.io/gatewayclass-controller',
    'logging:',
    '  level:',
    '    default: info',
    'provider:',
    '  kubernetes:',
    '    rateLimitDeployment:',
    '      container:',
    `        image: ${Versions.ENVOY_RATELIMIT_IMAGE}`,
    '      patch:',
    '        type: StrategicMerge',
    '        value:',
    '          spec:',
    '            template:',
    '              spec:',
    '                containers:',
    '                - imagePullPolicy: IfNotPresent',
    '                  name: envoy-ratelimit',
    '    shutdownManager:',
    `      image: ${Versions.ENVOY_GATEWAY_IMAGE}`,
    '  type: Kubernetes',
    '',
  ].join('\n');
}
