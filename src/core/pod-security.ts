import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/** @internal Pod Security Admission's enforce label. */
export const PSA_ENFORCE = 'pod-security.kubernetes.io/enforce';
/** @internal why a namespace of ours admits more than `restricted`. */
export const PSA_REASON = 'cdk8s-accelerated-tls/pod-security-reason';

/** @internal a Namespace labelled with the Pod Security level `privileged`, and why. */
export function privilegedNamespace(scope: Construct, name: string, reason: string): ApiObject {
  return new k8s.KubeNamespace(scope, 'Namespace', {
    metadata: { name, labels: { [PSA_ENFORCE]: 'privileged' }, annotations: { [PSA_REASON]: reason } },
  });
}
