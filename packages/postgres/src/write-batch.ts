import { type ContextWrite, type Payload, ttlLeftMs } from '@context-storage/core/adapter';
import { FIELD_CODES, idHex } from './layout.js';

/** The parameters of `write_contexts` for a batch: the writes as JSON, their payloads as bytes. */
export interface EncodedWrites {
  /** One object per write (see the function's comment in the DDL). */
  readonly json: string;
  /** Every payload, back to back; the JSON holds [offset, length] of each. */
  readonly blob: Uint8Array;
}

/**
 * Encodes a batch for `write_contexts`: payloads are concatenated into ONE `bytea` parameter
 * (sent as binary by node-postgres) instead of being escaped into the JSON. Cost: one copy of the
 * payloads.
 */
export function encodeWrites(writes: readonly ContextWrite[]): EncodedWrites {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const place = (payload: Payload): [number, number] => {
    const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
    chunks.push(bytes);
    const at: [number, number] = [offset, bytes.byteLength];
    offset += bytes.byteLength;
    return at;
  };
  const encoded = writes.map((write) => {
    const { main } = write;
    return {
      i: idHex(write.id),
      ev: write.expectedVersion ?? null,
      ec: write.expectedCreatedAt ?? null,
      r: write.replace,
      t: main.currentTurnId,
      c: main.createdAt,
      u: main.updatedAt,
      ttl: ttlLeftMs(main.expiresAt) ?? null,
      m: main.misc === undefined ? null : place(main.misc),
      f: main.frameworkData === undefined ? null : place(main.frameworkData),
      s: write.set.map(({ field, turnId, payload }) => [
        FIELD_CODES[field],
        turnId,
        ...place(payload),
      ]),
      d: write.delete.map(({ field, turnId }) => [FIELD_CODES[field], turnId]),
    };
  });
  return { json: JSON.stringify(encoded), blob: Buffer.concat(chunks, offset) };
}
