/** Opaque list cursors: the (createdAt, id) of the last row of a page. */
import { InvalidArgumentError } from "../errors.js";

export interface CursorKey {
  readonly createdAt: number;
  readonly id: string;
}

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify([key.createdAt, key.id])).toString("base64url");
}

export function decodeCursor(cursor: string): CursorKey {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [
      unknown,
      unknown,
    ];
    if (typeof createdAt === "number" && typeof id === "string") return { createdAt, id };
  } catch {
    // fall through
  }
  throw new InvalidArgumentError("cursor is not one this store returned");
}
