import { KeyAlgorithm } from './key-algorithm';
import { CertificateInputError, CertificateSource, CertManagerSecret, ExistingSecret, InvalidCertificate, PemSecret } from './sources';
import { isHostname, isSubdomain } from '../core/formats';
import { propName, shown } from '../core/messages';
import { shortHash } from '../core/names';
import { CertificateSpecPrivateKeyAlgorithm } from '../imports/cert-manager.io';

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

/**
 * The certificate and key a TLS listener serves.
 */
export class TlsCertificate {
  /** An existing `kubernetes.io/tls` Secret. */
  public static fromSecretName(secretName: string, options: SecretNameOptions = {}): TlsCertificate {
    return new TlsCertificate(new ExistingSecret(), secretName, options.namespace, options.keyAlgorithm);
  }

  /**
   * A certificate and key given as PEM: the gateway creates a `kubernetes.io/tls` Secret.
   *
   * Warning: the private key is written into the synthesized manifests. Prefer
   * `certManager()` or a Secret managed by an external secret store.
   *
   * Bad PEM input (ATLS-CERT003) is reported by the gateway that uses the certificate, naming its
   * construct path and listener.
   */
  public static fromPem(options: PemCertificateOptions): TlsCertificate {
    return TlsCertificate.checked(options?.secretName, () => {
      if (!options || typeof options.certificatePem !== 'string' || typeof options.privateKeyPem !== 'string') {
        throw new CertificateInputError('ATLS-CERT003', 'certificatePem', `a PEM certificate is required here, and its key in ${propName('privateKeyPem')}`);
      }
      const pem = PemSecret.parse(options.certificatePem, options.privateKeyPem);
      const name = options.secretName ?? `tls-${shortHash(options.certificatePem, 10)}`;
      return new TlsCertificate(pem, name, undefined, pem.keyAlgorithm);
    });
  }

  /**
   * A cert-manager `Certificate` (created in the gateway's namespace) issuing an accelerable key.
   *
   * Bad options (ATLS-CERT004) are reported by the gateway that uses the certificate, naming its
   * construct path and listener.
   */
  public static certManager(options: CertManagerCertificateOptions): TlsCertificate {
    return TlsCertificate.checked(options?.secretName, () => TlsCertificate.issued(options));
  }

  /** The certificate `make` returns, or one carrying the problem its input has. */
  private static checked(secretName: string | undefined, make: () => TlsCertificate): TlsCertificate {
    try {
      return make();
    } catch (e) {
      if (!(e instanceof CertificateInputError)) throw e;
      return new TlsCertificate(new InvalidCertificate(e), typeof secretName === 'string' ? secretName : 'invalid', undefined, undefined);
    }
  }

  private static issued(options: CertManagerCertificateOptions): TlsCertificate {
    const fail = (prop: string, detail: string) => new CertificateInputError('ATLS-CERT004', prop, detail);
    if (!options) throw fail('options', 'secretName, dnsNames and issuerName are required');
    const algorithm = options.algorithm ?? CertManagerKeyAlgorithm.RSA;
    if (!Object.values(CertManagerKeyAlgorithm).includes(algorithm)) {
      throw new CertificateInputError('ATLS-ENUM001', 'algorithm', `${shown(algorithm)} is not one of ${Object.values(CertManagerKeyAlgorithm).join(', ')}`);
    }
    // cert-manager's own limits: RSA 2048–8192 bits, ECDSA on P-256/384/521, Ed25519 without a size.
    const defaultSize = algorithm === CertManagerKeyAlgorithm.ECDSA ? 256 : 2048;
    const size = algorithm === CertManagerKeyAlgorithm.ED25519 ? undefined : options.size ?? defaultSize;
    if (algorithm === CertManagerKeyAlgorithm.RSA && !(Number.isInteger(size) && size! >= 2048 && size! <= 8192)) {
      throw fail('size', `${shown(size, 'number')} is not an RSA size within 2048–8192`);
    }
    if (algorithm === CertManagerKeyAlgorithm.ECDSA && ![256, 384, 521].includes(size!)) throw fail('size', `${shown(size, 'number')} is not an ECDSA size (256, 384, 521)`);
    if (!Array.isArray(options.dnsNames) || options.dnsNames.length === 0
      || !options.dnsNames.every(isHostname)) {
      throw fail('dnsNames', 'at least one DNS name is required, each a lowercase (wildcard) DNS name');
    }
    if (!isSubdomain(options.issuerName)) throw fail('issuerName', `${shown(options.issuerName)} is not an issuer name`);
    if (options.issuerKind !== undefined && !['Issuer', 'ClusterIssuer'].includes(options.issuerKind)) throw fail('issuerKind', `${shown(options.issuerKind)} is neither Issuer nor ClusterIssuer`);
    const declared = algorithm === CertManagerKeyAlgorithm.RSA ? KeyAlgorithm.rsa(size!)
      : algorithm === CertManagerKeyAlgorithm.ECDSA ? KeyAlgorithm.ecdsa(`P-${size}`) : KeyAlgorithm.ED25519;
    const source = new CertManagerSecret({
      dnsNames: options.dnsNames, issuerName: options.issuerName, issuerKind: options.issuerKind, algorithm: CERT_MANAGER_ALGORITHMS[algorithm], size,
    });
    return new TlsCertificate(source, options.secretName, undefined, declared);
  }

  /** Name of the Secret the listener references. */
  public readonly secretName: string;
  /** Namespace of the Secret, when fixed by the certificate (otherwise the gateway's). */
  public readonly secretNamespace?: string;
  /** The key algorithm, when declared or known from the PEM. */
  public readonly keyAlgorithm?: KeyAlgorithm;

  /** @internal Where the Secret comes from: the objects it needs, the checks it gets. */
  public readonly _source: CertificateSource;

  private constructor(source: CertificateSource, secretName: string, secretNamespace: string | undefined, keyAlgorithm: KeyAlgorithm | undefined) {
    this._source = source;
    this.secretName = secretName;
    this.secretNamespace = secretNamespace;
    this.keyAlgorithm = keyAlgorithm;
  }
}

const CERT_MANAGER_ALGORITHMS: Record<CertManagerKeyAlgorithm, CertificateSpecPrivateKeyAlgorithm> = {
  [CertManagerKeyAlgorithm.RSA]: CertificateSpecPrivateKeyAlgorithm.RSA,
  [CertManagerKeyAlgorithm.ECDSA]: CertificateSpecPrivateKeyAlgorithm.ECDSA,
  [CertManagerKeyAlgorithm.ED25519]: CertificateSpecPrivateKeyAlgorithm.ED25519,
};
