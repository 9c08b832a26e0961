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

/** @internal A container Pod Security `restricted` admits: no privilege escalation, no capabilities, read-only root. */
export const RESTRICTED_CONTAINER: k8s.SecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};

/** @internal A pod Pod Security `restricted` admits: non-root uid and gid, RuntimeDefault seccomp. */
export function restrictedPod(uid: number): k8s.PodSecurityContext {
  return { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, seccompProfile: { type: 'RuntimeDefault' } };
}

/** @internal `RESTRICTED_CONTAINER` with further settings (SELinux type, seccomp, ...). */
export function restrictedContainer(extra: k8s.SecurityContext): k8s.SecurityContext {
  return { ...RESTRICTED_CONTAINER, ...extra };
}

/** @internal Container resources whose requests equal their limits (Guaranteed QoS when every container's do). */
export function equalResources(cpu: string, memory: string): k8s.ResourceRequirements {
  const quantities = { cpu: k8s.Quantity.fromString(cpu), memory: k8s.Quantity.fromString(memory) };
  return { requests: quantities, limits: quantities };
}
