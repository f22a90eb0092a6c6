/**
 * WinZip AES encryption of zip entries (AE-2, AES-256), the encrypted zip that 7-Zip, WinZip,
 * WinRAR, Keka and The Unarchiver open with a password. Per entry: a random 16-byte salt;
 * PBKDF2-HMAC-SHA1 (1000 rounds) of the password gives the AES key, the HMAC key and a 2-byte
 * password check; the compressed data is encrypted with AES-256 in counter mode (a little-endian
 * block counter starting at 1, not the big-endian counter of `aes-256-ctr`), and authenticated by
 * the first 10 bytes of HMAC-SHA1 over the ciphertext. AE-2 stores no CRC (it would leak a
 * checksum of the plaintext); the HMAC replaces it.
 * @see https://www.winzip.com/en/support/aes-encryption/
 */
import { createCipheriv, createHmac, type Hmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";

export const AES_SALT_BYTES = 16;
export const AES_VERIFIER_BYTES = 2;
export const AES_MAC_BYTES = 10;
/** The zip "compression method" that marks a WinZip AES entry. */
export const AES_METHOD = 99;

/** The AES extra field (0x9901): AE-2, vendor "AE", strength 3 (256 bits), the real method. */
export function aesExtraField(actualMethod: number): Buffer {
  const extra = Buffer.alloc(11);
  extra.writeUInt16LE(0x9901, 0);
  extra.writeUInt16LE(7, 2);
  extra.writeUInt16LE(2, 4); // AE-2
  extra.write("AE", 6, "latin1");
  extra.writeUInt8(3, 8); // AES-256
  extra.writeUInt16LE(actualMethod, 9);
  return extra;
}

interface Keys {
  readonly encryption: Buffer;
  readonly authentication: Buffer;
  readonly verifier: Buffer;
}

function deriveKeys(password: string, salt: Buffer): Keys {
  const material = pbkdf2Sync(Buffer.from(password, "utf8"), salt, 1000, 66, "sha1");
  return {
    encryption: material.subarray(0, 32),
    authentication: material.subarray(32, 64),
    verifier: material.subarray(64, 66),
  };
}

/** AES-256 in WinZip's counter mode: block n (from 1) is the keystream AES(key, n as 16 bytes LE). */
class CounterStream {
  readonly #cipher;
  #offset = 0;

  constructor(key: Buffer) {
    this.#cipher = createCipheriv("aes-256-ecb", key, null).setAutoPadding(false);
  }

  /** XORs `data` with the next bytes of the keystream (the same call encrypts and decrypts). */
  apply(data: Uint8Array): Buffer {
    const out = Buffer.from(data);
    const first = Math.floor(this.#offset / 16);
    const last = Math.floor((this.#offset + data.length - 1) / 16);
    if (data.length === 0) return out;
    const counters = Buffer.alloc((last - first + 1) * 16);
    for (let block = first; block <= last; block++) {
      // A 16-byte little-endian counter whose high bytes stay 0: 2^48 blocks is 4 PiB per entry.
      counters.writeUIntLE(block + 1, (block - first) * 16, 6);
    }
    const keystream = this.#cipher.update(counters);
    const skip = this.#offset - first * 16;
    for (let i = 0; i < out.length; i++) out[i]! ^= keystream[skip + i]!;
    this.#offset += data.length;
    return out;
  }
}

/** Encrypts one entry's compressed bytes as they stream through. */
export class AesEntryEncryptor {
  readonly header: Buffer;
  readonly #counter: CounterStream;
  readonly #mac: Hmac;

  constructor(password: string) {
    const salt = randomBytes(AES_SALT_BYTES);
    const keys = deriveKeys(password, salt);
    this.header = Buffer.concat([salt, keys.verifier]);
    this.#counter = new CounterStream(keys.encryption);
    this.#mac = createHmac("sha1", keys.authentication);
  }

  update(chunk: Uint8Array): Buffer {
    const encrypted = this.#counter.apply(chunk);
    this.#mac.update(encrypted);
    return encrypted;
  }

  /** The 10-byte authentication code that ends the entry. */
  final(): Buffer {
    return this.#mac.digest().subarray(0, AES_MAC_BYTES);
  }
}

/** Decrypts a whole AE-2 entry (salt, check, ciphertext, code); throws on a wrong password or damage. */
export function decryptAesEntry(password: string, data: Buffer): Buffer {
  const salt = data.subarray(0, AES_SALT_BYTES);
  const check = data.subarray(AES_SALT_BYTES, AES_SALT_BYTES + AES_VERIFIER_BYTES);
  const body = data.subarray(AES_SALT_BYTES + AES_VERIFIER_BYTES, data.length - AES_MAC_BYTES);
  const code = data.subarray(data.length - AES_MAC_BYTES);
  const keys = deriveKeys(password, salt);
  if (!timingSafeEqual(check, keys.verifier)) throw new Error("wrong password");
  const expected = createHmac("sha1", keys.authentication).update(body).digest().subarray(0, AES_MAC_BYTES);
  if (!timingSafeEqual(code, expected)) throw new Error("the entry was altered (authentication failed)");
  return new CounterStream(keys.encryption).apply(body);
}
