import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AppRegistry } from '../core/app-registry';
import { checkLabel } from '../core/validation';
import { Versions } from '../core/versions';

/** Props of `EnvoyGatewayConfig`. */
export interface EnvoyGatewayConfigProps {
  /**
   * Emit the `envoy-gateway-config` ConfigMap (false switches it off in one place, e.g. per
   * environment, and still reserves the app's one EnvoyGatewayConfig).
   * @default true
   */
  readonly emitConfigMap?: boolean;
  /**
   * Namespace Envoy Gateway runs in.
   * @default 'envoy-gateway-system'
   */
  readonly namespace?: string;
}

/**
 * Envoy Gateway's own configuration with EnvoyPatchPolicy enabled, as an `envoy-gateway-config`
 * ConfigMap: the complete config the Helm chart of `Versions.ENVOY_GATEWAY` renders (release
 * images), plus `extensionApis.enableEnvoyPatchPolicy`.
 *
 * Opt-in, for an Envoy Gateway installed from its release manifests (`install.yaml`). The
 * recommended Helm install needs none: it takes
 * `--set config.envoyGateway.extensionApis.enableEnvoyPatchPolicy=true`, and this ConfigMap
 * would fight Helm over the same object. One per app.
 * Envoy Gateway reloads the ConfigMap; `kubectl rollout restart deployment envoy-gateway
 * -n envoy-gateway-system` forces it.
 */
export class EnvoyGatewayConfig extends Construct {
  /** The ConfigMap, or undefined when `emitConfigMap` is false. */
  public readonly configMap?: ApiObject;
  /** Namespace of Envoy Gateway. */
  public readonly namespace: string;

  constructor(scope: Construct, id: string, props: EnvoyGatewayConfigProps = {}) {
    super(scope, id);
    this.namespace = checkLabel(this, 'ATLS-NAME001', 'namespace', props.namespace ?? 'envoy-gateway-system');
    AppRegistry.of(this).claim(EnvoyGatewayConfig, this);
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
