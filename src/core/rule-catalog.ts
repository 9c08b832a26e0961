// Every rule the library enforces: one entry per id, so a misspelt id fails to compile.
// A warning is printed at synth; an error fails it. Both name the construct path and the prop.

/** @internal A rule's severity: an error fails synth, a warning is printed. */
export type Level = 'error' | 'warning';

/** @internal One rule of the catalogue. */
export interface RuleDefinition {
  readonly level: Level;
  readonly acknowledgeable: boolean;
  readonly description: string;
}

/** @internal The catalogue, in the README's order. */
export const RULE_CATALOG = {
  'ATLS-GW001': { level: 'error', acknowledgeable: false, description: 'A gateway needs at least one listener.' },
  'ATLS-GW002': { level: 'error', acknowledgeable: false, description: 'Listener names must be unique within a gateway (and are required when two listeners share a port).' },
  'ATLS-GW003': { level: 'error', acknowledgeable: false, description: 'Two listeners of a gateway may not share a port and hostname.' },
  'ATLS-GW004': { level: 'error', acknowledgeable: false, description: 'Ports are integers within 1–65535.' },
  'ATLS-GW005': { level: 'error', acknowledgeable: false, description: 'Names are DNS-1123 labels or subdomains, hostnames are (wildcard) DNS names.' },
  'ATLS-GW006': { level: 'error', acknowledgeable: false, description: 'Envoy sizing must be positive: cpu, memory, replicas and concurrency.' },
  'ATLS-GW007': { level: 'error', acknowledgeable: false, description: 'Envoy memory must be at least 64 MiB: Envoy alone is about 60 MiB resident at start, so below that it is OOM-killed before it serves.' },
  'ATLS-GW008': { level: 'warning', acknowledgeable: true, description: 'Envoy memory below 512 MiB (Envoy Gateway\'s default request) leaves little for connections, TLS buffers and xDS updates: Envoy is OOM-killed under load.' },
  'ATLS-KEY001': { level: 'error', acknowledgeable: false, description: 'A gateway needs a KeyProvider, and a provider pollDelay must be at least 1 ms (the provider protos require gte 1ms).' },
  'ATLS-KEY002': { level: 'error', acknowledgeable: true, description: 'QAT accelerates RSA keys only; any other key silently falls back to software.' },
  'ATLS-KEY003': { level: 'error', acknowledgeable: false, description: 'CryptoMB accepts RSA 1024/2048/3072/4096 with e=65537 and ECDSA P-256; Envoy rejects other curves and exponents.' },
  'ATLS-KEY004': { level: 'warning', acknowledgeable: true, description: 'The key algorithm of a certificate is unknown, so provider fit cannot be checked.' },
  'ATLS-KEY005': { level: 'warning', acknowledgeable: true, description: 'CryptoMB with an RSA-3072 key is slower than software: crypto_mb has no fused 3K kernel (0.88x OpenSSL per core, vs 2.25x for RSA-2048).' },
  'ATLS-KEY006': { level: 'warning', acknowledgeable: true, description: 'A provider pollDelay above 200 ms (Envoy\'s own default) delays every handshake of a batch that is not full by up to that long.' },
  'ATLS-CERT001': { level: 'error', acknowledgeable: false, description: 'The certificate and private key must match (Envoy Gateway rejects the Secret).' },
  'ATLS-CERT002': { level: 'error', acknowledgeable: false, description: 'The certificate must be within its validity period (Envoy Gateway drops the whole Secret).' },
  'ATLS-CERT003': { level: 'error', acknowledgeable: false, description: 'PEM input must parse as a certificate and a private key.' },
  'ATLS-CERT004': { level: 'error', acknowledgeable: false, description: 'cert-manager options must be valid: DNS names, issuer name and kind, a key size the algorithm allows.' },
  'ATLS-CERT005': { level: 'warning', acknowledgeable: true, description: 'A PEM certificate must cover its listener\'s hostname with a SAN (a wildcard listener needs the wildcard SAN): otherwise every client fails hostname verification.' },
  'ATLS-SEC001': { level: 'error', acknowledgeable: false, description: 'One Secret may back only one listener per gateway (per GatewayClass when merged): duplicate xDS Secrets can lose the key provider patch.' },
  'ATLS-IMG001': { level: 'error', acknowledgeable: false, description: 'A key provider needs a contrib Envoy image; other images reject the config even with fallback.' },
  'ATLS-APP001': { level: 'error', acknowledgeable: false, description: 'Two objects of the same kind may not share a name and namespace in one app.' },
  'ATLS-APP002': { level: 'error', acknowledgeable: false, description: 'Singletons (EnvoyGatewayConfig, EnvoyPatchPolicyGuard, NodeFeatureDiscovery) exist once per app.' },
  'ATLS-APP003': { level: 'error', acknowledgeable: false, description: 'The app\'s construct `crds` is the Chart of the CustomResourceDefinitions the library emits (synthesized first).' },
  'ATLS-MRG001': { level: 'error', acknowledgeable: false, description: 'Merged gateways must share one GatewayClass that exactly one of them creates.' },
  'ATLS-NFD001': { level: 'error', acknowledgeable: false, description: 'Node Feature Discovery props must be valid: image, worker tolerations, worker config, extra NodeFeatureRules.' },
  'ATLS-AFF001': { level: 'error', acknowledgeable: false, description: 'CryptoMB with REQUIRED placement needs Node Feature Discovery labels (CryptoMbAffinity or NodeFeatureDiscovery.useExisting).' },
  'ATLS-QAT001': { level: 'error', acknowledgeable: false, description: 'A QAT gateway must request a resource the app\'s QAT device plugin advertises for its configured services.' },
  'ATLS-QAT002': { level: 'error', acknowledgeable: false, description: 'QAT device plugin and host preparation settings must be valid (flags, PCI ids, uid, memlock, node selector).' },
  'ATLS-QAT003': { level: 'warning', acknowledgeable: true, description: 'A QAT gateway (or a software baseline onQatNodes) needs a QAT device plugin: QatNodePrep or QatDevicePlugin in the app, or QatDevicePlugin.useExisting; without one its Envoy pods stay Pending.' },
  'ATLS-BENCH001': { level: 'error', acknowledgeable: true, description: 'A benchmarked accelerated gateway needs a software KeyProvider baseline of the same shape and placement (QAT: onQatNodes) among the targets.' },
  'ATLS-BENCH002': { level: 'error', acknowledgeable: false, description: 'HandshakeBenchmark props must be valid: targets, hostname, concurrency, duration, qps, client resources, images.' },
  'ATLS-GRD001': { level: 'error', acknowledgeable: false, description: 'EnvoyPatchPolicyGuard props must be valid: exempt namespaces are distinct DNS-1123 labels, allowed patches non-empty CEL conditions with balanced brackets and quotes.' },
  'ATLS-ARGO001': { level: 'error', acknowledgeable: false, description: 'ArgoCdSyncWaves waves are integers, the custom resources\' above the CRDs\'.' },
} as const satisfies Record<string, RuleDefinition>;

/** @internal A rule id of the catalogue. */
export type RuleId = keyof typeof RULE_CATALOG;
