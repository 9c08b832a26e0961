import * as crypto from 'node:crypto';
import { isHostname, isSubdomain } from './names';

/** Key type of a declared key algorithm. */
export enum KeyType {
  /** RSA. */
  RSA = 'RSA',
  /** ECDSA. */
  ECDSA = 'ECDSA',
  /** Ed25519. */
  ED25519 = 'Ed25519',
}

/**
 * A private key algorithm, used to check that a certificate's key fits its key provider.
 */
export class KeyAlgorithm {
  /** RSA 2048, e=65537. */
  public static readonly RSA_2048 = KeyAlgorithm.rsa(2048);
  /** RSA 3072, e=65537. */
  public static readonly RSA_3072 = KeyAlgorithm.rsa(3072);
  /** RSA 4096, e=65537. */
  public static readonly RSA_4096 = KeyAlgorithm.rsa(4096);
  /** ECDSA on P-256. */
  public static readonly ECDSA_P256 = KeyAlgorithm.ecdsa('P-256');
  /** ECDSA on P-384. */
  public static readonly ECDSA_P384 = KeyAlgorithm.ecdsa('P-384');
  /** Ed25519. */
  public static readonly ED25519 = new KeyAlgorithm(KeyType.ED25519, undefined, undefined, undefined);

  /**
   * RSA with a modulus size and public exponent.
   * @param bits modulus size
   * @param publicExponent @default 65537
   */
  public static rsa(bits: number, publicExponent: number = 65537): KeyAlgorithm {
    return new KeyAlgorithm(KeyType.RSA, bits, publicExponent, undefined);
  }

  /**
   * ECDSA on a named curve.
   * @param curve NIST name: `P-256`, `P-384` or `P-521`
   */
  public static ecdsa(curve: string): KeyAlgorithm {
    return new KeyAlgorithm(KeyType.ECDSA, undefined, undefined, curve);
  }

  /** The key type. */
  public readonly type: KeyType;
  /** RSA modulus size in bits. */
  public readonly bits?: number;
  /** RSA public exponent. */
  public readonly publicExponent?: number;
  /** ECDSA curve (NIST name). */
  public readonly curve?: string;

  private constructor(type: KeyType, bits: number | undefined, publicExponent: number | undefined, curve: string | undefined) {
    this.type = type;
    this.bits = bits;
    this.publicExponent = publicExponent;
    this.curve = curve;
  }

  /** Human-readable description, e.g. `RSA 2048` or `ECDSA P-256`. */
  public describe(): string {
    if (this.type === KeyType.RSA) return `RSA ${this.bits}${this.publicExponent !== 65537 ? ` (e=${this.publicExponent})` : ''}`;
    if (this.type === KeyType.ECDSA) return `ECDSA ${this.curve}`;
    return this.type;
  }
}

/** Options of `TlsCertificate.fromSecretName()`. */
export interface SecretNameOptions {
  /**
   * Namespace of the Secret; a ReferenceGrant is emitted when it differs from the gateway's.
   * @default the gateway's namespace
   */
  readonly namespace?: string;
  /**
   * The Secret's key algorithm, so the gateway can check it fits the key provider.
   * @default undeclared: a warning (ATLS-KEY004) is printed for hardware providers
   */
  readonly keyAlgorithm?: KeyAlgorithm;
}

/** Options of `TlsCertificate.fromPem()`. */
export interface PemCertificateOptions {
  /** PEM certificate chain, leaf first. */
  readonly certificatePem: string;
  /** PEM private key (PKCS#1, PKCS#8 or SEC1). It ends up, base64-encoded, in the manifests. */
  readonly privateKeyPem: string;
  /**
   * Name of the `kubernetes.io/tls` Secret created in the gateway's namespace.
   * @default `tls-` followed by a hash of the certificate
   */
  readonly secretName?: string;
}

/** Key algorithms cert-manager can issue. */
export enum CertManagerKeyAlgorithm {
  /** RSA (accelerated by QAT and CryptoMB). */
  RSA = 'RSA',
  /** ECDSA (accelerated by CryptoMB on P-256). */
  ECDSA = 'ECDSA',
  /** Ed25519 (not accelerated). */
  ED25519 = 'Ed25519',
}

/** Options of `TlsCertificate.certManager()`. */
export interface CertManagerCertificateOptions {
  /** Name of the Secret cert-manager writes (and the gateway references). */
  readonly secretName: string;
  /** DNS names of the certificate. */
  readonly dnsNames: string[];
  /** Name of the Issuer or ClusterIssuer. */
  readonly issuerName: string;
  /**
   * Kind of the issuer: `Issuer` or `ClusterIssuer`.
   * @default 'Issuer'
   */
  readonly issuerKind?: string;
  /**
   * Private key algorithm.
   * @default CertManagerKeyAlgorithm.RSA
   */
  readonly algorithm?: CertManagerKeyAlgorithm;
  /**
   * Key size: RSA bits, or the ECDSA curve size (256, 384, 521).
   * @default 2048 for RSA, 256 for ECDSA
   */
  readonly size?: number;
}

/** @internal how a certificate reaches the gateway. */
export enum CertificateSource {
  SECRET = 'secret',
  PEM = 'pem',
  CERT_MANAGER = 'cert-manager',
}

/**
 * @internal what the synth-time checks need of the PEM input, as plain values: the published
 * .d.ts then needs no Node type newer than consumers' `@types/node` (cdk8s init pins ^14).
 */
export interface ParsedPem {
  readonly keyMatches: boolean;
  readonly validFrom: string;
  readonly validTo: string;
}

/**
 * The certificate and key a TLS listener serves.
 */
export class TlsCertificate {
  /** An existing `kubernetes.io/tls` Secret. */
  public static fromSecretName(secretName: string, options: SecretNameOptions = {}): TlsCertificate {
    return new TlsCertificate(CertificateSource.SECRET, secretName, options.namespace, options.keyAlgorithm, undefined, undefined);
  }

  /**
   * A certificate and key given as PEM: the gateway creates a `kubernetes.io/tls` Secret.
   *
   * Warning: the private key is written into the synthesized manifests. Prefer
   * `certManager()` or a Secret managed by an external secret store.
   */
  public static fromPem(options: PemCertificateOptions): TlsCertificate {
    if (!options || typeof options.certificatePem !== 'string' || typeof options.privateKeyPem !== 'string') {
      throw new Error('[ATLS-CERT003] TlsCertificate.fromPem: options: certificatePem and privateKeyPem (PEM strings) are required');
    }
    const { cert, key } = parsePem(options.certificatePem, options.privateKeyPem);
    const name = options.secretName ?? `tls-${crypto.createHash('sha256').update(options.certificatePem).digest('hex').slice(0, 10)}`;
    const facts: ParsedPem = { keyMatches: cert.checkPrivateKey(key), validFrom: cert.validFrom, validTo: cert.validTo };
    return new TlsCertificate(CertificateSource.PEM, name, undefined, algorithmOf(key), facts, options);
  }

  /** A cert-manager `Certificate` (created in the gateway's namespace) issuing an accelerable key. */
  public static certManager(options: CertManagerCertificateOptions): TlsCertificate {
    const fail = (prop: string, detail: string) => new Error(`[ATLS-CERT004] TlsCertificate.certManager: ${prop}: ${detail}`);
    if (!options) throw fail('options', 'secretName, dnsNames and issuerName are required');
    const algorithm = options.algorithm ?? CertManagerKeyAlgorithm.RSA;
    if (!Object.values(CertManagerKeyAlgorithm).includes(algorithm)) throw fail('algorithm', `'${algorithm}' is not a CertManagerKeyAlgorithm`);
    // cert-manager's own limits: RSA 2048–8192 bits, ECDSA on P-256/384/521, Ed25519 without a size.
    const defaultSize = algorithm === CertManagerKeyAlgorithm.ECDSA ? 256 : 2048;
    const size = algorithm === CertManagerKeyAlgorithm.ED25519 ? undefined : options.size ?? defaultSize;
    if (algorithm === CertManagerKeyAlgorithm.RSA && !(Number.isInteger(size) && size! >= 2048 && size! <= 8192)) {
      throw fail('size', `${size} is not an RSA size within 2048–8192`);
    }
    if (algorithm === CertManagerKeyAlgorithm.ECDSA && ![256, 384, 521].includes(size!)) throw fail('size', `${size} is not an ECDSA size (256, 384, 521)`);
    if (!Array.isArray(options.dnsNames) || options.dnsNames.length === 0
      || !options.dnsNames.every(isHostname)) {
      throw fail('dnsNames', 'at least one DNS name is required, each a lowercase (wildcard) DNS name');
    }
    if (!isSubdomain(options.issuerName)) throw fail('issuerName', `'${options.issuerName}' is not an issuer name`);
    if (options.issuerKind !== undefined && !['Issuer', 'ClusterIssuer'].includes(options.issuerKind)) throw fail('issuerKind', `'${options.issuerKind}' is neither Issuer nor ClusterIssuer`);
    const declared = algorithm === CertManagerKeyAlgorithm.RSA ? KeyAlgorithm.rsa(size!)
      : algorithm === CertManagerKeyAlgorithm.ECDSA ? KeyAlgorithm.ecdsa(`P-${size}`) : KeyAlgorithm.ED25519;
    return new TlsCertificate(CertificateSource.CERT_MANAGER, options.secretName, undefined, declared, undefined,
      { ...options, algorithm, size });
  }

  /** Name of the Secret the listener references. */
  public readonly secretName: string;
  /** Namespace of the Secret, when fixed by the certificate (otherwise the gateway's). */
  public readonly secretNamespace?: string;
  /** The key algorithm, when declared or known from the PEM. */
  public readonly keyAlgorithm?: KeyAlgorithm;

  /** @internal */
  public readonly _source: CertificateSource;
  /** @internal */
  public readonly _pem?: ParsedPem;
  /** @internal */
  public readonly _options?: any;

  private constructor(source: CertificateSource, secretName: string, secretNamespace: string | undefined,
    keyAlgorithm: KeyAlgorithm | undefined, pem: ParsedPem | undefined, options: any) {
    this._source = source;
    this.secretName = secretName;
    this.secretNamespace = secretNamespace;
    this.keyAlgorithm = keyAlgorithm;
    this._pem = pem;
    this._options = options;
  }
}

function parsePem(certificatePem: string, privateKeyPem: string): { cert: crypto.X509Certificate; key: crypto.KeyObject } {
  let cert: crypto.X509Certificate;
  let key: crypto.KeyObject;
  try {
    cert = new crypto.X509Certificate(certificatePem);
  } catch (e) {
    // The parser's message never contains key material; ours never echoes the input.
    throw new Error(`[ATLS-CERT003] TlsCertificate.fromPem: certificatePem: not a PEM certificate (${(e as Error).message})`);
  }
  try {
    key = crypto.createPrivateKey({ key: privateKeyPem, format: 'pem' });
  } catch (e) {
    throw new Error('[ATLS-CERT003] TlsCertificate.fromPem: privateKeyPem: not a PEM private key (PKCS#1, PKCS#8 or SEC1 expected)');
  }
  return { cert, key };
}

const CURVES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

function algorithmOf(key: crypto.KeyObject): KeyAlgorithm | undefined {
  const d = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      return KeyAlgorithm.rsa(d.modulusLength ?? 0, Number(d.publicExponent ?? 0));
    case 'ec':
      return KeyAlgorithm.ecdsa(CURVES[d.namedCurve ?? ''] ?? d.namedCurve ?? 'unknown');
    case 'ed25519':
      return KeyAlgorithm.ED25519;
    default:
      return undefined;
  }
}
