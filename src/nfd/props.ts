import { k8s } from 'cdk8s-plus-28';
import { NfdWorkerConfig } from './worker-config';
import { NodeFeatureRuleSpecRules } from '../imports/nfd.k8s-sigs.io';

/** A NodeFeatureRule installed together with NFD. */
export interface NodeFeatureRuleDefinition {
  /** Name of the NodeFeatureRule object (cluster-scoped, a DNS-1123 subdomain). */
  readonly name: string;
  /** The rules (`spec.rules`, at least one), as NFD v0.19.0's API defines them. */
  readonly rules: NodeFeatureRuleSpecRules[];
}

/** Props of `NodeFeatureDiscovery`. */
export interface NodeFeatureDiscoveryProps {
  /**
   * Namespace NFD runs in; it is created, with Pod Security `privileged`.
   * @default 'node-feature-discovery'
   */
  readonly namespace?: string;
  /**
   * Image of nfd-master, nfd-worker and nfd-gc.
   * @default Versions.NODE_FEATURE_DISCOVERY_IMAGE
   */
  readonly image?: string;
  /**
   * Tolerations of nfd-worker. Accelerator nodes are often tainted, and a node without
   * nfd-worker gets no feature labels.
   * @default none (as upstream)
   */
  readonly workerTolerations?: k8s.Toleration[];
  /**
   * nfd-worker configuration.
   * @default NFD's built-in defaults
   */
  readonly workerConfig?: NfdWorkerConfig;
  /**
   * NodeFeatureRules to install with NFD.
   * @default none
   */
  readonly extraRules?: NodeFeatureRuleDefinition[];
  /**
   * Install the NodeFeature, NodeFeatureRule and NodeFeatureGroup CRDs, in the app's chart
   * `crds` (synthesized first). Set false when they are managed elsewhere; when all of NFD is,
   * use `NodeFeatureDiscovery.useExisting`.
   * @default true
   */
  readonly installCrds?: boolean;
}
