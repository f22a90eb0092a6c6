/**
 * Receipt signing keys (Ed25519). A receipt is a statement to a regulator: whoever holds only the
 * public key must be able to check it, and the party that checks it must not be able to forge one.
 * So receipts are signed with an Ed25519 private key — `signingKey`, or one derived from `secret`
 * (HKDF-SHA256) when none is given — and verified with its public key. Keys are named by a `keyId`
 * (a hash of the public key); `verificationKeys` keeps older public keys valid after a rotation.
 */
import { createHash, createPrivateKey, createPublicKey, hkdfSync, type KeyObject } from "node:crypto";
import { ConfigurationError } from "../errors.js";

/** A private key for signing: PEM text, or a Node `KeyObject`. */
export type SigningKeyInput = string | KeyObject;
/** A public key for verifying: PEM text, or a Node `KeyObject` (a private key is accepted too). */
export type PublicKeyInput = string | KeyObject;

/** A resolved signing key. */
export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly keyId: string;
}

// PKCS#8 header of an Ed25519 private key; the 32-byte seed follows (RFC 8410 §7).
const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/** The id of a public key: `ed25519:` and 16 hex characters of the SHA-256 of its raw bytes. */
export function publicKeyId(key: KeyObject): string {
  const jwk = key.export({ format: "jwk" }) as { x?: string };
  const raw = Buffer.from(jwk.x ?? "", "base64url");
  return `ed25519:${createHash("sha256").update(raw).digest("hex").slice(0, 16)}`;
}

/** The Ed25519 key derived from the fanout secret (stable: same secret, same key). */
export function deriveSigningKey(secret: string | Uint8Array): SigningKey {
  const seed = Buffer.from(hkdfSync("sha256", secret, "gdpr-fanout/receipts", "ed25519 signing key v1", 32));
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: "der",
    type: "pkcs8",
  });
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: publicKeyId(publicKey) };
}

function isEd25519(key: KeyObject): boolean {
  return key.asymmetricKeyType === "ed25519";
}

/** Resolves the `signingKey` option (or derives one from `secret`); throws `CONFIGURATION`. */
export function resolveSigningKey(option: unknown, secret: string | Uint8Array): SigningKey {
  if (option === undefined) return deriveSigningKey(secret);
  let privateKey: KeyObject;
  try {
    const given = option as KeyObject;
    privateKey =
      typeof option === "string"
        ? createPrivateKey(option)
        : given?.type === "private"
          ? given
          : createPrivateKey(option as never);
  } catch {
    throw new ConfigurationError("signingKey must be an Ed25519 private key (PEM text or a KeyObject)", {
      option: "signingKey",
    });
  }
  if (!isEd25519(privateKey)) {
    throw new ConfigurationError("signingKey must be an Ed25519 key", { option: "signingKey" });
  }
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: publicKeyId(publicKey) };
}

/** Reads a public key (PEM or KeyObject; a private key yields its public half); `null` if unusable. */
export function toPublicKey(input: unknown): KeyObject | null {
  try {
    let key: KeyObject;
    if (typeof input === "string") key = createPublicKey(input);
    else if (input && typeof input === "object" && "asymmetricKeyType" in input) {
      const k = input as KeyObject;
      key = k.type === "private" ? createPublicKey(k) : k;
    } else return null;
    return isEd25519(key) ? key : null;
  } catch {
    return null;
  }
}

/** Resolves `verificationKeys` (older public keys still accepted); throws `CONFIGURATION`. */
export function resolveVerificationKeys(option: unknown): KeyObject[] {
  if (option === undefined) return [];
  if (!Array.isArray(option)) {
    throw new ConfigurationError("verificationKeys must be a list of Ed25519 public keys", {
      option: "verificationKeys",
    });
  }
  return option.map((value, index) => {
    const key = toPublicKey(value);
    if (!key) {
      throw new ConfigurationError(`verificationKeys[${index}] is not an Ed25519 public key`, {
        option: `verificationKeys[${index}]`,
      });
    }
    return key;
  });
}

/** A public key as PEM text (what `gdpr-fanout public-key` prints and a verifier stores). */
export function publicKeyPem(key: KeyObject): string {
  return key.export({ type: "spki", format: "pem" }).toString();
}
