// How a TlsCertificate reaches the gateway: an existing Secret, a Secret made from PEM input, or
// a cert-manager Certificate. Each source creates its own objects and checks itself at synth.
import * as crypto from 'node:crypto';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { KeyAlgorithm } from './key-algorithm';
import { RuleId } from '../core/rule-catalog';
import { Certificate, CertificateSpecPrivateKeyAlgorithm, CertificateSpecPrivateKeyRotationPolicy } from '../imports/cert-manager.io';

/** @internal A rule a certificate breaks (found at synth). */
export interface CertificateFinding {
  readonly ruleId: RuleId;
  readonly detail: string;
}

/**
 * @internal Bad input to a TlsCertificate factory. The factory has no construct to name, so the
 * gateway that uses the certificate reports it, with its path and the listener's prop.
 */
export class CertificateInputError extends Error {
  constructor(public readonly ruleId: RuleId, public readonly prop: string, public readonly detail: string) {
    super(`[${ruleId}] ${prop}: ${detail}`);
  }
}

/** @internal Where the Secret a listener references comes from. */
export interface CertificateSource {
  /** Why the factory's input is unusable (reported by the gateway that uses it). */
  readonly problem?: CertificateInputError;
  /** Creates the objects that make the Secret `namespace/secretName` exist (none for an existing one). */
  addObjects(scope: Construct, secretName: string, namespace: string): void;
  /** Rules the certificate itself breaks, served for `hostname` (any when undefined), checked at synth. */
  findings(hostname?: string): CertificateFinding[];
}

/** @internal A certificate whose factory input was bad: nothing to create, only the problem. */
export class InvalidCertificate implements CertificateSource {
  constructor(public readonly problem: CertificateInputError) {}

  public addObjects(): void {}

  public findings(): CertificateFinding[] {
    return [];
  }
}

/** @internal A Secret managed elsewhere. */
export class ExistingSecret implements CertificateSource {
  public addObjects(): void {}

  public findings(): CertificateFinding[] {
    return [];
  }
}

/** @internal A certificate and key given as PEM, written into a `kubernetes.io/tls` Secret. */
export class PemSecret implements CertificateSource {
  /** Parses the PEM input; a parse error never echoes it (it holds key material). */
  public static parse(certificatePem: string, privateKeyPem: string): PemSecret {
    let cert: crypto.X509Certificate;
    let key: crypto.KeyObject;
    try {
      cert = new crypto.X509Certificate(certificatePem);
    } catch (e) {
      throw new CertificateInputError('ATLS-CERT003', 'certificatePem', `not a PEM certificate (${(e as Error).message})`);
    }
    try {
      key = crypto.createPrivateKey({ key: privateKeyPem, format: 'pem' });
    } catch {
      throw new CertificateInputError('ATLS-CERT003', 'privateKeyPem', 'not a PEM private key (PKCS#1, PKCS#8 or SEC1 expected)');
    }
    return new PemSecret(certificatePem, privateKeyPem, cert, key);
  }

  private constructor(
    private readonly certificatePem: string,
    private readonly privateKeyPem: string,
    private readonly cert: crypto.X509Certificate,
    private readonly key: crypto.KeyObject) {}

  /** The algorithm of the key (undefined for kinds no provider knows). */
  public get keyAlgorithm(): KeyAlgorithm | undefined {
    return algorithmOf(this.key);
  }

  public addObjects(scope: Construct, secretName: string, namespace: string): void {
    new k8s.KubeSecret(scope, `Secret-${secretName}`, {
      metadata: { name: secretName, namespace },
      type: 'kubernetes.io/tls',
      data: {
        'tls.crt': Buffer.from(this.certificatePem).toString('base64'),
        'tls.key': Buffer.from(this.privateKeyPem).toString('base64'),
      },
    });
  }

  public findings(hostname?: string): CertificateFinding[] {
    const out: CertificateFinding[] = [];
    const uncovered = hostname === undefined ? undefined : this.uncovered(hostname);
    if (uncovered) out.push({ ruleId: 'ATLS-CERT005', detail: uncovered });
    if (!this.cert.checkPrivateKey(this.key)) out.push({ ruleId: 'ATLS-CERT001', detail: 'the private key does not match the certificate' });
    const now = Date.now();
    if (Date.parse(this.cert.validTo) < now || Date.parse(this.cert.validFrom) > now) {
      out.push({ ruleId: 'ATLS-CERT002', detail: `the certificate is valid from ${this.cert.validFrom} to ${this.cert.validTo}, not now` });
    }
    return out;
  }

  /**
   * Why clients that verify the certificate reject it for `hostname`, or undefined when its SANs
   * cover the name (a wildcard listener: every name under it, so the wildcard SAN itself).
   */
  private uncovered(hostname: string): string | undefined {
    // Node applies RFC 6125 as clients do: SAN DNS names (wildcards one label deep), the subject's
    // CN only when there is no DNS SAN. A name no SAN could list explicitly stands for "any label".
    const probe = hostname.startsWith('*.') ? `atls--any-label${hostname.slice(1)}` : hostname;
    if (this.cert.checkHost(probe) !== undefined) return undefined;
    const sans = this.cert.subjectAltName ?? 'none';
    const fix = hostname.startsWith('*.') ? `a SAN DNS:${hostname}` : `a SAN DNS:${hostname} (or DNS:*.${hostname.split('.').slice(1).join('.')})`;
    return `the certificate's SANs (${sans}) do not cover the listener's hostname '${hostname}': every client that verifies hostnames `
      + `rejects it; issue a certificate with ${fix}, or set the listener's hostname to a name it covers`;
  }
}

/** @internal cert-manager's Certificate, validated by TlsCertificate.certManager(). */
export interface CertManagerSpec {
  readonly dnsNames: string[];
  readonly issuerName: string;
  readonly issuerKind?: string;
  readonly algorithm: CertificateSpecPrivateKeyAlgorithm;
  readonly size?: number;
}

/** @internal A Secret cert-manager issues and renews. */
export class CertManagerSecret implements CertificateSource {
  constructor(private readonly spec: CertManagerSpec) {}

  public addObjects(scope: Construct, secretName: string, namespace: string): void {
    const o = this.spec;
    new Certificate(scope, `Certificate-${secretName}`, {
      metadata: { name: secretName, namespace },
      spec: {
        secretName,
        dnsNames: o.dnsNames,
        issuerRef: { name: o.issuerName, kind: o.issuerKind ?? 'Issuer', group: 'cert-manager.io' },
        privateKey: {
          algorithm: o.algorithm,
          ...(o.size !== undefined ? { size: o.size } : {}),
          rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.ALWAYS,
        },
      },
    });
  }

  public findings(): CertificateFinding[] {
    return [];
  }
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
