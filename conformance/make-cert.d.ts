/** A throw-away self-signed certificate (see make-cert.js). */
export declare function makeCert(keyArgs: string[], opts?: { days?: number; cn?: string; extra?: string[] }): { certificatePem: string; privateKeyPem: string };
