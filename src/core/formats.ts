// The Kubernetes name formats as predicates: a leaf, read by the checks (validation.ts) and by
// the names derived from props (names.ts).

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
// Gateway API listener hostnames: a DNS name, optionally with one leading wildcard label.
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Whether `value` is a DNS-1123 subdomain. */
export function isSubdomain(value: unknown): boolean {
  return typeof value === 'string' && value.length <= 253 && DNS1123_SUBDOMAIN.test(value);
}

/** Whether `value` is a DNS-1035 label (Service names). */
export function isDns1035Label(value: unknown): boolean {
  return typeof value === 'string' && value.length <= 63 && DNS1035_LABEL.test(value);
}

/** Whether `value` is a (wildcard) DNS hostname, not an IP address. */
export function isHostname(value: unknown): boolean {
  // The Gateway API forbids IP addresses as listener hostnames.
  return typeof value === 'string' && value.length <= 253 && value.split('.').every((l) => l.length <= 63)
    && !/^[0-9.]+$/.test(value) && HOSTNAME.test(value);
}
