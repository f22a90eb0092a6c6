/**
 * Reading one entry of a zip this library wrote (the manifest of an access package, a test's
 * check): the central directory (ZIP64 aware) is read from the end of the file, then only that
 * entry's bytes. Deflated or stored entries, plain or WinZip AES (AE-1/AE-2).
 */
import { open } from "node:fs/promises";
import { crc32, inflateRawSync } from "node:zlib";
import { AES_METHOD, decryptAesEntry } from "./aes.js";

/** One entry of the central directory. */
export interface ZipEntryInfo {
  readonly name: string;
  readonly method: number;
  readonly encrypted: boolean;
  readonly crc: number;
  readonly compressed: number;
  readonly uncompressed: number;
  readonly offset: number;
  /** The real compression method of an AES entry. */
  readonly aesMethod?: number;
}

/** Lists the entries of the zip at `path`. */
export async function listZip(path: string): Promise<ZipEntryInfo[]> {
  const file = await open(path, "r");
  try {
    const { size } = await file.stat();
    const tailLength = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailLength);
    await file.read(tail, 0, tailLength, size - tailLength);
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0) throw new Error("not a zip file (no end of central directory)");
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    const locator = eocd - 20;
    if (locator >= 0 && tail.readUInt32LE(locator) === 0x07064b50) {
      const record = Buffer.alloc(56);
      await file.read(record, 0, 56, Number(tail.readBigUInt64LE(locator + 8)));
      count = Number(record.readBigUInt64LE(32));
      cdSize = Number(record.readBigUInt64LE(40));
      cdOffset = Number(record.readBigUInt64LE(48));
    }
    const cd = Buffer.alloc(cdSize);
    await file.read(cd, 0, cdSize, cdOffset);
    const entries: ZipEntryInfo[] = [];
    for (let at = 0, i = 0; i < count; i++) {
      if (cd.readUInt32LE(at) !== 0x02014b50) throw new Error("damaged central directory");
      const nameLength = cd.readUInt16LE(at + 28);
      const extraLength = cd.readUInt16LE(at + 30);
      const commentLength = cd.readUInt16LE(at + 32);
      const name = cd.toString("utf8", at + 46, at + 46 + nameLength);
      let uncompressed = cd.readUInt32LE(at + 24);
      let compressed = cd.readUInt32LE(at + 20);
      let offset = cd.readUInt32LE(at + 42);
      let aesMethod: number | undefined;
      for (let x = at + 46 + nameLength; x < at + 46 + nameLength + extraLength; ) {
        const id = cd.readUInt16LE(x);
        const length = cd.readUInt16LE(x + 2);
        if (id === 0x0001) {
          let v = x + 4;
          const next = () => {
            const value = Number(cd.readBigUInt64LE(v));
            v += 8;
            return value;
          };
          if (uncompressed === 0xffffffff) uncompressed = next();
          if (compressed === 0xffffffff) compressed = next();
          if (offset === 0xffffffff) offset = next();
        }
        if (id === 0x9901) aesMethod = cd.readUInt16LE(x + 9);
        x += 4 + length;
      }
      entries.push({
        name,
        method: cd.readUInt16LE(at + 10),
        encrypted: (cd.readUInt16LE(at + 8) & 1) === 1,
        crc: cd.readUInt32LE(at + 16),
        compressed,
        uncompressed,
        offset,
        ...(aesMethod === undefined ? {} : { aesMethod }),
      });
      at += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  } finally {
    await file.close();
  }
}

/** The content of entry `name` (`undefined` when absent); `password` for an encrypted zip. */
export async function readZipEntry(
  path: string,
  name: string,
  password?: string,
): Promise<Buffer | undefined> {
  const entry = (await listZip(path)).find((e) => e.name === name);
  if (!entry) return undefined;
  const file = await open(path, "r");
  let raw: Buffer;
  try {
    const local = Buffer.alloc(30);
    await file.read(local, 0, 30, entry.offset);
    if (local.readUInt32LE(0) !== 0x04034b50) throw new Error("damaged local header");
    const start = entry.offset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    raw = Buffer.alloc(entry.compressed);
    await file.read(raw, 0, entry.compressed, start);
  } finally {
    await file.close();
  }
  let method = entry.method;
  if (entry.method === AES_METHOD) {
    if (password === undefined) throw new Error("the entry is encrypted: a password is needed");
    raw = decryptAesEntry(password, raw);
    method = entry.aesMethod ?? 8;
  }
  const data = method === 0 ? raw : inflateRawSync(raw);
  if (entry.method !== AES_METHOD && crc32(data) >>> 0 !== entry.crc) throw new Error("CRC mismatch");
  return data;
}
