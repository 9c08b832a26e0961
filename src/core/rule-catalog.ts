// Every rule the library enforces: one entry per id, so a misspelt id fails to compile. An id
// means one thing: what is checked, wherever it is checked (`where` lists who raises it).
// A warning is printed at synth; an error fails it. Both name the construct path and the prop.
import { RuleLevel } from './rule-level';

/** @internal One rule of the catalogue. */
export interface RuleDefinition {
  readonly level: RuleLevel;
  readonly acknowledgeable: boolean;
  /** What the rule prevents. */
  readonly description: string;
  /** Which constructs (or factories) raise it. */
  readonly where: string;
  /** How to fix a violation. */
  readonly fix: string;
}

const E = RuleLevel.ERROR;
const W = RuleLevel.WARNING;

/** @internal The catalogue, in the order of the rules table (docs/rules.md). */
export const RULE_CATALOG = {
  'ATLS-GW001': {
    level: E,
    acknowledgeable: false,
    where: 'AcceleratedTlsGateway',
    description: 'A gateway needs at least one listener.',
    fix: 'Add a listener (each with a certificate and a backend).',
  },
  'ATLS-GW002': {
    level: E,
    acknowledgeable: false,
    where: 'AcceleratedTlsGateway',
    description: 'Listener names must be unique within a gateway (and are required when two listeners share a port).',
    fix: 'Name the listeners uniquely.',
  },
  'ATLS-GW003': {
    level: E,
    acknowledgeable: false,
    where: 'AcceleratedTlsGateway',
    description: 'Two listeners of a gateway may not share a port and hostname.',
    fix: 'Change the port or the hostname of one of them.',
  },
  'ATLS-GW004': {
    level: E,
    acknowledgeable: false,
    where: 'AcceleratedTlsGateway',
    description: 'Ports are integers within 1–65535.',
    fix: 'Use a valid port.',
  },
  'ATLS-GW006': {
    level: E,
    acknowledgeable: false,
    where: 'AcceleratedTlsGateway, KeyProvider.qat',
    description: 'Envoy sizing must be positive: cpu, memory, replicas, concurrency and QAT resources per replica.',
    fix: 'Use positive values (memory in whole MiB).',
  },
  'ATLS-GW007': {
    level: E,
    acknowledgeable: false,
    where: 'AcceleratedTlsGateway',
    description: 'Envoy memory must be at least 64 MiB: Envoy alone is about 60 MiB resident at start, so below that it is OOM-killed before it serves.',
    fix: 'Give Envoy at least 512 MiB (Envoy Gateway\'s default request).',
  },
  'ATLS-GW008': {
    level: W,
    acknowledgeable: true,
    where: 'AcceleratedTlsGateway',
    description: 'Envoy memory below 512 MiB (Envoy Gateway\'s default request) leaves little for connections, TLS buffers and xDS updates: Envoy is OOM-killed under load.',
    fix: 'Give Envoy at least Size.mebibytes(512), or acknowledge for a small test gateway.',
  },

  'ATLS-NAME001': {
    level: E,
    acknowledgeable: false,
    where: 'every construct with a name, namespace or hostname prop; KeyProvider.qat (resourceName)',
    description: 'Names are DNS-1123 labels or subdomains, Service names DNS-1035 labels, hostnames (wildcard) DNS names, resource names extended resource names.',
    fix: 'Use a lowercase DNS name of the kind the message names.',
  },
  'ATLS-IMG001': {
    level: E,
    acknowledgeable: false,
    where: 'AcceleratedTlsGateway',
    description: 'A key provider needs a contrib Envoy image; other images reject the config even with fallback.',
    fix: 'Use a contrib image (the default), or set allowNonContribImage for an image known to include the providers.',
  },
  'ATLS-IMG002': {
    level: E,
    acknowledgeable: false,
    where: 'AcceleratedTlsGateway, NodeFeatureDiscovery, QatDevicePlugin, QatHostPrep, HandshakeBenchmark',
    description: 'An image reference is a string without whitespace.',
    fix: 'Pass an image reference such as registry/repository:tag, or leave the prop out for the pinned default.',
  },
  'ATLS-ENUM001': {
    level: E,
    acknowledgeable: false,
    where: 'AcceleratedTlsGateway, KeyProvider, QatDevicePlugin, QatHostPrep, TlsCertificate.certManager',
    description: 'A prop typed as an enum takes one of its values (callers from other languages can pass any string).',
    fix: 'Use a member of the enum the message lists.',
  },
  'ATLS-KEY001': {
    level: E,
    acknowledgeable: false,
    where: 'AcceleratedTlsGateway',
    description: 'A gateway needs a KeyProvider.',
    fix: 'Pass KeyProvider.qat(), KeyProvider.cryptoMb() or KeyProvider.software().',
  },
  'ATLS-KEY002': {
    level: E,
    acknowledgeable: true,
    where: 'AcceleratedTlsGateway',
    description: 'QAT accelerates RSA keys only; any other key silently falls back to software.',
    fix: 'Use an RSA certificate, or acknowledge that the key runs in software.',
  },
  'ATLS-KEY003': {
    level: E,
    acknowledgeable: false,
    where: 'AcceleratedTlsGateway',
    description: 'CryptoMB accepts RSA 1024/2048/3072/4096 with e=65537 and ECDSA P-256; Envoy rejects other curves and exponents.',
    fix: 'Reissue the key as one CryptoMB accepts, or use another provider.',
  },
  'ATLS-KEY004': {
    level: W,
    acknowledgeable: true,
    where: 'AcceleratedTlsGateway',
    description: 'The key algorithm of a certificate is unknown, so provider fit cannot be checked.',
    fix: 'Declare the keyAlgorithm of the certificate, or acknowledge.',
  },
  'ATLS-KEY005': {
    level: E,
    acknowledgeable: false,
    where: 'KeyProvider.software',
    description: 'A software baseline is placed like QAT (onQatNodes) or like CryptoMB (placement), not both.',
    fix: 'Drop placement or onQatNodes.',
  },
  'ATLS-KEY006': {
    level: E,
    acknowledgeable: false,
    where: 'KeyProvider.qat, KeyProvider.cryptoMb',
    description: 'A provider pollDelay must be at least 1 ms (the provider protos require gte 1ms).',
    fix: 'Raise pollDelay to 1 ms or more.',
  },
  'ATLS-KEY007': {
    level: W,
    acknowledgeable: true,
    where: 'AcceleratedTlsGateway',
    description: 'CryptoMB with an RSA-3072 key is slower than software: crypto_mb has no fused 3K kernel (0.88x OpenSSL per core, vs 2.25x for RSA-2048).',
    fix: 'Use an RSA 2048 or 4096 or an ECDSA P-256 key, or KeyProvider.software() for that gateway.',
  },
  'ATLS-KEY008': {
    level: W,
    acknowledgeable: true,
    where: 'KeyProvider.qat, KeyProvider.cryptoMb',
    description: 'A provider pollDelay above 200 ms (Envoy\'s own default) delays every handshake of a batch that is not full by up to that long.',
    fix: 'Use a pollDelay of at most 200 ms (the default, 1 ms, favours latency), or acknowledge.',
  },

  'ATLS-CERT001': {
    level: E,
    acknowledgeable: false,
    where: 'TlsCertificate.fromPem',
    description: 'The certificate and private key must match (Envoy Gateway rejects the Secret).',
    fix: 'Pair the certificate with its own key.',
  },
  'ATLS-CERT002': {
    level: E,
    acknowledgeable: false,
    where: 'TlsCertificate.fromPem',
    description: 'The certificate must be within its validity period (Envoy Gateway drops the whole Secret).',
    fix: 'Renew the certificate.',
  },
  'ATLS-CERT003': {
    level: E,
    acknowledgeable: false,
    where: 'TlsCertificate.fromPem',
    description: 'PEM input must parse as a certificate and a private key.',
    fix: 'Pass PEM text of one certificate and its private key.',
  },
  'ATLS-CERT004': {
    level: E,
    acknowledgeable: false,
    where: 'TlsCertificate.certManager',
    description: 'cert-manager options must be valid: DNS names, issuer name and kind, a key size the algorithm allows.',
    fix: 'Fix the option the message names.',
  },
  'ATLS-CERT005': {
    level: W,
    acknowledgeable: true,
    where: 'AcceleratedTlsGateway (TlsCertificate.fromPem)',
    description: 'A PEM certificate must cover its listener\'s hostname with a SAN (a wildcard listener needs the wildcard SAN): otherwise every client fails hostname verification.',
    fix: 'Issue the certificate with a SAN for the hostname (or its wildcard), or set the listener hostname to a name it covers.',
  },

  'ATLS-SEC001': {
    level: E,
    acknowledgeable: false,
    where: 'AcceleratedTlsGateway (app-wide)',
    description: 'One Secret may back only one listener per gateway (per GatewayClass when merged): duplicate xDS Secrets can lose the key provider patch.',
    fix: 'Give each listener a Secret of its own.',
  },
  'ATLS-APP001': {
    level: E,
    acknowledgeable: false,
    where: 'the app (every object)',
    description: 'Two objects of the same kind may not share a name and namespace in one app.',
    fix: 'Rename one of them.',
  },
  'ATLS-APP002': {
    level: E,
    acknowledgeable: false,
    where: 'EnvoyGatewayConfig, EnvoyPatchPolicyGuard, NodeFeatureDiscovery, QatDevicePlugin, ArgoCdSyncWaves',
    description: 'Singletons (EnvoyGatewayConfig, EnvoyPatchPolicyGuard, NodeFeatureDiscovery, QatDevicePlugin, ArgoCdSyncWaves) exist once per app.',
    fix: 'Keep one, or drop useExisting when the app defines the construct.',
  },
  'ATLS-APP003': {
    level: E,
    acknowledgeable: false,
    where: 'the app (the CRD chart)',
    description: 'The app\'s construct `crds` is the Chart of the CustomResourceDefinitions the library emits (synthesized first).',
    fix: 'Rename the construct, or make it a Chart.',
  },
  'ATLS-MRG001': {
    level: E,
    acknowledgeable: false,
    where: 'AcceleratedTlsGateway (app-wide)',
    description: 'Merged gateways must share one GatewayClass that exactly one of them creates.',
    fix: 'Set mergeGateways on all of them, let one create the class, and put the Envoy settings on that one.',
  },
  'ATLS-NFD001': {
    level: E,
    acknowledgeable: false,
    where: 'NodeFeatureDiscovery',
    description: 'Node Feature Discovery props must be valid: worker tolerations, worker config, extra NodeFeatureRules.',
    fix: 'Fix the prop the message names.',
  },
  'ATLS-AFF001': {
    level: E,
    acknowledgeable: false,
    where: 'AcceleratedTlsGateway (CryptoMB or software placement)',
    description: 'CryptoMB with REQUIRED placement needs Node Feature Discovery labels (CryptoMbAffinity or NodeFeatureDiscovery.useExisting).',
    fix: 'Add CryptoMbAffinity or NodeFeatureDiscovery.useExisting, or place the provider PREFERRED or ANY.',
  },
  'ATLS-QAT001': {
    level: E,
    acknowledgeable: false,
    where: 'AcceleratedTlsGateway (QAT provider)',
    description: 'A QAT gateway must request a resource the app\'s QAT device plugin advertises for its configured services.',
    fix: 'Choose QatServices with asym (the default CRYPTO does), or set the provider\'s resourceName to one the plugin advertises.',
  },
  'ATLS-QAT002': {
    level: E,
    acknowledgeable: false,
    where: 'QatDevicePlugin, QatHostPrep, QatNodePrep',
    description: 'QAT device plugin and host preparation settings must be valid (flags, PCI ids, uid, memlock, node selector).',
    fix: 'Fix the prop the message names.',
  },
  'ATLS-QAT003': {
    level: W,
    acknowledgeable: true,
    where: 'KeyProvider.qat, KeyProvider.software({ onQatNodes })',
    description: 'A QAT gateway (or a software baseline onQatNodes) needs a QAT device plugin: QatNodePrep or QatDevicePlugin in the app, or QatDevicePlugin.useExisting; without one its Envoy pods stay Pending.',
    fix: 'Add QatNodePrep (or QatDevicePlugin), or declare the installed plugin with QatDevicePlugin.useExisting(scope, { resourceNames, nodeSelector }).',
  },

  'ATLS-BENCH001': {
    level: E,
    acknowledgeable: true,
    where: 'HandshakeBenchmark',
    description: 'A benchmarked accelerated gateway needs a software KeyProvider baseline of the same shape and placement (QAT: onQatNodes) among the targets.',
    fix: 'Add a KeyProvider.software() target of the same shape (placement for CryptoMB, onQatNodes for QAT), or acknowledge to report absolute numbers only.',
  },
  'ATLS-BENCH002': {
    level: E,
    acknowledgeable: false,
    where: 'HandshakeBenchmark',
    description: 'HandshakeBenchmark props must be valid: targets, hostname, concurrency, duration, qps, client resources.',
    fix: 'Fix the prop the message names.',
  },
  'ATLS-CHECK001': {
    level: E,
    acknowledgeable: false,
    where: 'HandshakeCheck',
    description: 'HandshakeCheck props must be valid: gateways, a namespace holding every listener\'s certificate Secret (a pod mounts Secrets of its own namespace only), timeouts, resources.',
    fix: 'Fix the prop the message names; check gateways whose certificate Secrets live in different namespaces with one HandshakeCheck each.',
  },
  'ATLS-GRD001': {
    level: E,
    acknowledgeable: false,
    where: 'EnvoyPatchPolicyGuard',
    description: 'EnvoyPatchPolicyGuard props must be valid: exempt namespaces are distinct DNS-1123 labels, allowed patches non-empty CEL conditions with balanced brackets and quotes.',
    fix: 'Fix the entry the message names.',
  },
  'ATLS-ARGO001': {
    level: E,
    acknowledgeable: false,
    where: 'ArgoCdSyncWaves',
    description: 'ArgoCdSyncWaves waves are integers, the custom resources\' above the CRDs\'.',
    fix: 'Fix the wave the message names.',
  },
} as const satisfies Record<string, RuleDefinition>;

/** @internal A rule id of the catalogue. */
export type RuleId = keyof typeof RULE_CATALOG;
