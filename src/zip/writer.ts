/**
 * A streaming zip writer: each entry is read from disk a chunk at a time, deflated (node:zlib) and
 * written at once, so a package of any size needs a few chunks of memory. Sizes and CRC go into
 * the local header afterwards (a positional write), so there are no data descriptors; ZIP64
 * records are added when a size, an offset or the entry count needs them. Names are UTF-8 (flag
 * bit 11). With a password every entry is WinZip AES-256 (AE-2, see `aes.ts`).
 * @see https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT
 */
import { createReadStream } from "node:fs";
import { constants, type FileHandle, open } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { crc32, createDeflateRaw } from "node:zlib";
import { AES_METHOD, AesEntryEncryptor, aesExtraField } from "./aes.js";

const DEFLATE = 8;
const UTF8_NAMES = 0x0800;
const ENCRYPTED = 0x0001;
const MAX32 = 0xffffffff;
/** An entry this large might not fit 32-bit sizes once compressed: its local header makes room. */
const LARGE = 0xffff0000;

interface Written {
  readonly name: Buffer;
  readonly method: number;
  readonly flags: number;
  readonly dosTime: number;
  readonly dosDate: number;
  readonly crc: number;
  readonly compressed: number;
  readonly uncompressed: number;
  readonly offset: number;
  readonly aes: boolean;
}

function dosDateTime(date: Date): { time: number; date: number } {
  const year = Math.max(1980, date.getFullYear());
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

function zip64Extra(values: readonly number[]): Buffer {
  if (values.length === 0) return Buffer.alloc(0);
  const extra = Buffer.alloc(4 + 8 * values.length);
  extra.writeUInt16LE(0x0001, 0);
  extra.writeUInt16LE(8 * values.length, 2);
  for (const [i, v] of values.entries()) extra.writeBigUInt64LE(BigInt(v), 4 + 8 * i);
  return extra;
}

/** Options of {@link ZipWriter.create}. */
export interface ZipWriterOptions {
  /** Encrypts every entry with WinZip AES-256 under this password. */
  readonly password?: string;
  /** Compression level 0–9. @default 6 */
  readonly level?: number;
  /** Writes ZIP64 records even where 32-bit fields would do (tests of the ZIP64 path). @default false */
  readonly zip64?: boolean;
}

/** Writes a zip file entry by entry. */
export class ZipWriter {
  readonly #file: FileHandle;
  readonly #options: ZipWriterOptions;
  readonly #entries: Written[] = [];
  #position = 0;

  private constructor(file: FileHandle, options: ZipWriterOptions) {
    this.#file = file;
    this.#options = options;
  }

  /** Creates `path` exclusively (an existing file or symlink there is an error), mode 0600. */
  static async create(path: string, options: ZipWriterOptions = {}): Promise<ZipWriter> {
    const flags = constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | (constants.O_NOFOLLOW ?? 0);
    return new ZipWriter(await open(path, flags, 0o600), options);
  }

  async #write(bytes: Uint8Array): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await this.#file.write(bytes, done, bytes.length - done, this.#position);
      done += bytesWritten;
      this.#position += bytesWritten;
    }
  }

  /**
   * Adds the file at `source` (read in chunks) or the bytes given, under `name` (forward slashes).
   * `onBytes` is told how many input bytes were consumed, for progress.
   */
  async add(
    name: string,
    source: string | Uint8Array,
    options: { mtime?: Date; size?: number; onBytes?: (n: number) => void } = {},
  ): Promise<void> {
    const password = this.#options.password;
    const aes = password !== undefined;
    const nameBytes = Buffer.from(name, "utf8");
    const { time, date } = dosDateTime(options.mtime ?? new Date());
    const offset = this.#position;
    const expected = typeof source === "string" ? (options.size ?? 0) : source.byteLength;
    const large = this.#options.zip64 === true || expected >= LARGE;
    const aesExtra = aes ? aesExtraField(DEFLATE) : Buffer.alloc(0);
    const localExtra = Buffer.concat([large ? zip64Extra([0, 0]) : Buffer.alloc(0), aesExtra]);
    const flags = UTF8_NAMES | (aes ? ENCRYPTED : 0);
    const method = aes ? AES_METHOD : DEFLATE;
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(aes ? 51 : large ? 45 : 20, 4);
    header.writeUInt16LE(flags, 6);
    header.writeUInt16LE(method, 8);
    header.writeUInt16LE(time, 10);
    header.writeUInt16LE(date, 12);
    header.writeUInt16LE(nameBytes.length, 26);
    header.writeUInt16LE(localExtra.length, 28);
    await this.#write(Buffer.concat([header, nameBytes, localExtra]));

    const encryptor = aes ? new AesEntryEncryptor(password) : undefined;
    if (encryptor) await this.#write(encryptor.header);
    let crc = 0;
    let uncompressed = 0;
    const dataStart = this.#position;
    const input: AsyncIterable<Buffer> | Readable =
      typeof source === "string"
        ? createReadStream(source, { highWaterMark: 1 << 20 })
        : Readable.from([Buffer.from(source)]);
    await pipeline(
      input,
      async function* (chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          crc = crc32(chunk, crc);
          uncompressed += chunk.length;
          options.onBytes?.(chunk.length);
          yield chunk;
        }
      },
      createDeflateRaw({ level: this.#options.level ?? 6 }),
      async (chunks: AsyncIterable<Buffer>) => {
        for await (const chunk of chunks) await this.#write(encryptor ? encryptor.update(chunk) : chunk);
      },
    );
    if (encryptor) await this.#write(encryptor.final());
    const compressed = this.#position - dataStart + (encryptor ? encryptor.header.length : 0);
    if (!large && (compressed >= MAX32 || uncompressed >= MAX32)) {
      throw new Error(`zip entry ${JSON.stringify(name.slice(0, 40))} grew past 4 GiB while being written`);
    }
    // Patch CRC (0 for AE-2) and sizes into the local header.
    const patch = Buffer.alloc(12);
    patch.writeUInt32LE(aes ? 0 : crc >>> 0, 0);
    patch.writeUInt32LE(large ? MAX32 : compressed, 4);
    patch.writeUInt32LE(large ? MAX32 : uncompressed, 8);
    await this.#file.write(patch, 0, 12, offset + 14);
    if (large) {
      const sizes = zip64Extra([uncompressed, compressed]);
      await this.#file.write(sizes, 0, sizes.length, offset + 30 + nameBytes.length);
    }
    this.#entries.push({
      name: nameBytes,
      method,
      flags,
      dosTime: time,
      dosDate: date,
      crc: aes ? 0 : crc >>> 0,
      compressed,
      uncompressed,
      offset,
      aes,
    });
  }

  /** Writes the central directory and closes the file. */
  async finish(): Promise<void> {
    const start = this.#position;
    const force = this.#options.zip64 === true;
    const wide = (value: number) => force || value >= MAX32;
    for (const e of this.#entries) {
      const big = [
        ...(wide(e.uncompressed) ? [e.uncompressed] : []),
        ...(wide(e.compressed) ? [e.compressed] : []),
        ...(wide(e.offset) ? [e.offset] : []),
      ];
      const extra = Buffer.concat([zip64Extra(big), e.aes ? aesExtraField(DEFLATE) : Buffer.alloc(0)]);
      const h = Buffer.alloc(46);
      h.writeUInt32LE(0x02014b50, 0);
      h.writeUInt16LE((3 << 8) | 51, 4); // made by: Unix, spec 5.1
      h.writeUInt16LE(e.aes ? 51 : big.length ? 45 : 20, 6);
      h.writeUInt16LE(e.flags, 8);
      h.writeUInt16LE(e.method, 10);
      h.writeUInt16LE(e.dosTime, 12);
      h.writeUInt16LE(e.dosDate, 14);
      h.writeUInt32LE(e.crc, 16);
      h.writeUInt32LE(wide(e.compressed) ? MAX32 : e.compressed, 20);
      h.writeUInt32LE(wide(e.uncompressed) ? MAX32 : e.uncompressed, 24);
      h.writeUInt16LE(e.name.length, 28);
      h.writeUInt16LE(extra.length, 30);
      h.writeUInt32LE((0o100600 << 16) >>> 0, 38); // a regular file, rw for its owner only
      h.writeUInt32LE(wide(e.offset) ? MAX32 : e.offset, 42);
      await this.#write(Buffer.concat([h, e.name, extra]));
    }
    const size = this.#position - start;
    const count = this.#entries.length;
    if (force || count >= 0xffff || start >= MAX32 || size >= MAX32) {
      const record = Buffer.alloc(56);
      record.writeUInt32LE(0x06064b50, 0);
      record.writeBigUInt64LE(44n, 4);
      record.writeUInt16LE((3 << 8) | 51, 12);
      record.writeUInt16LE(45, 14);
      record.writeBigUInt64LE(BigInt(count), 24);
      record.writeBigUInt64LE(BigInt(count), 32);
      record.writeBigUInt64LE(BigInt(size), 40);
      record.writeBigUInt64LE(BigInt(start), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(0x07064b50, 0);
      locator.writeBigUInt64LE(BigInt(this.#position), 8);
      locator.writeUInt32LE(1, 16);
      await this.#write(Buffer.concat([record, locator]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(Math.min(count, 0xffff), 8);
    end.writeUInt16LE(Math.min(count, 0xffff), 10);
    end.writeUInt32LE(Math.min(size, MAX32), 12);
    end.writeUInt32LE(Math.min(start, MAX32), 16);
    await this.#write(end);
    await this.#file.sync();
    await this.#file.close();
  }

  /** Closes the file without finishing it (the caller removes it). */
  async abort(): Promise<void> {
    await this.#file.close().catch(() => {});
  }
}
