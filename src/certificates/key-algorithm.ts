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
