// A gateway as resolved at synth, for the constructs that read gateways (the benchmark, the handshake check): plain
// facts, no opinion on what makes two gateways comparable.
import { k8s } from 'cdk8s-plus-28';

/** @internal One listener of a gateway as resolved. */
export interface ListenerDescription {
  readonly name: string;
  readonly port: number;
  readonly hostname?: string;
  /** The certificate's key type, when declared. */
  readonly keyType?: string;
  /** The certificate Secret, and its xDS name (`<namespace>/<name>`, what Envoy's SDS stats name). */
  readonly secretName: string;
  readonly secretNamespace: string;
  readonly secret: string;
}

/** @internal A gateway's Envoy pods, their listeners and placement, as resolved at synth. */
export interface GatewayDescription {
  /** The listeners, in order. */
  readonly listeners: ListenerDescription[];
  /** Labels of the Envoy pods. */
  readonly podLabels: { [key: string]: string };
  /** The Envoy pods' image, resources, replicas and tolerations. */
  readonly envoy: {
    readonly image: string;
    readonly cpu: string;
    readonly memory: string;
    readonly concurrency: number;
    readonly replicas: number;
    readonly tolerations: k8s.Toleration[];
  };
  /** Where the pods land: the provider's node affinity, else the QAT nodes (`qatNodes`), else nowhere in particular. */
  readonly placement: { readonly affinity?: unknown; readonly qatNodes?: { [key: string]: string } };
}
