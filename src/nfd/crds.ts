import { k8s } from 'cdk8s-plus-28';

/** Group of the NFD API. */
const NFD_GROUP = 'nfd.k8s-sigs.io';

interface NfdCrd {
  readonly kind: string;
  readonly plural: string;
  readonly scope: 'Namespaced' | 'Cluster';
  readonly shortNames?: string[];
  /** Whether upstream declares `status` (and the status subresource). */
  readonly status: boolean;
  readonly description: string;
}

/** The three CRDs of NFD v0.19.0 (`deployment/base/nfd-crds`), names and scopes as upstream. */
const CRDS: NfdCrd[] = [
  { kind: 'NodeFeature', plural: 'nodefeatures', scope: 'Namespaced', status: false, description: 'Features discovered for one node (written by nfd-worker).' },
  { kind: 'NodeFeatureGroup', plural: 'nodefeaturegroups', scope: 'Namespaced', shortNames: ['nfg'], status: true, description: 'Node pools by feature group.' },
  { kind: 'NodeFeatureRule', plural: 'nodefeaturerules', scope: 'Cluster', shortNames: ['nfr'], status: false, description: 'Rules that label, annotate and taint nodes from their features.' },
];

/** An object whose content the API server keeps as sent: nothing below it is ever pruned. */
const OPEN_OBJECT: k8s.JsonSchemaProps = { type: 'object', xKubernetesPreserveUnknownFields: true };

/**
 * @internal the NFD CRDs, written here rather than copied. Only the top level is typed; below
 * `spec` and `status` every field is preserved, so the API server never prunes anything that
 * upstream's schema accepts (a narrower schema would silently drop what nfd-worker writes).
 * Validation of the content stays with nfd-master, as it does for fields upstream leaves open.
 */
export function nfdCrdSpecs(): k8s.CustomResourceDefinitionSpec[] {
  return CRDS.map((c) => ({
    group: NFD_GROUP,
    names: {
      kind: c.kind,
      listKind: `${c.kind}List`,
      plural: c.plural,
      ...(c.shortNames ? { shortNames: c.shortNames } : {}),
      singular: c.kind.toLowerCase(),
    },
    scope: c.scope,
    versions: [{
      name: 'v1alpha1',
      served: true,
      storage: true,
      schema: {
        openApiv3Schema: {
          description: c.description,
          type: 'object',
          required: ['spec'],
          properties: {
            apiVersion: { type: 'string' },
            kind: { type: 'string' },
            metadata: { type: 'object' },
            spec: OPEN_OBJECT,
            ...(c.status ? { status: OPEN_OBJECT } : {}),
          },
        },
      },
      ...(c.status ? { subresources: { status: {} } } : {}),
    }],
  }));
}
