/**
 * DEFECT: payloads are stored as text: byte payloads are decoded as UTF-8 on the way in (invalid
 * sequences become U+FFFD) and every payload comes back as a string. Text codecs such as JSON
 * are unaffected; a binary codec's bytes are mangled.
 *
 * Mirrors: node-redis, which returns bulk strings as UTF-8 text unless the command is sent with
 * `RESP_TYPES.BLOB_STRING` mapped to `Buffer`, or a SQL adapter with a `TEXT` column where
 * `BYTEA`/`BLOB` was needed: everything works with JSON, and MessagePack contexts come back
 * corrupt.
 */
import type {
  ContextWrite,
  ItemsRequest,
  LoadWindows,
  Payload,
  StoredContext,
  StoredItems,
  TurnField,
  WriteOutcome,
} from '@context-storage/core/adapter';
import { MemoryDriver } from '../../src/index.js';
import { type BrokenAdapter, DriverStorage } from './common.js';

// BUG: a lossy decoder (no `fatal`), as a client decoding every reply would use.
const decoder = new TextDecoder();

function asText(payload: Payload): string {
  return typeof payload === 'string' ? payload : decoder.decode(payload);
}

function textItems(items: StoredItems): StoredItems {
  return new Map([...items].map(([turnId, payload]) => [turnId, asText(payload)]));
}

function textFields(items: Record<TurnField, StoredItems>): Record<TurnField, StoredItems> {
  return {
    labels: textItems(items.labels),
    requests: textItems(items.requests),
    responses: textItems(items.responses),
  };
}

class TextPayloadsDriver extends MemoryDriver {
  override async write(writes: readonly ContextWrite[]): Promise<WriteOutcome[]> {
    return super.write(
      writes.map((write) => ({
        ...write,
        main: {
          ...write.main,
          ...(write.main.misc === undefined ? {} : { misc: asText(write.main.misc) }),
          ...(write.main.frameworkData === undefined
            ? {}
            : { frameworkData: asText(write.main.frameworkData) }),
        },
        set: write.set.map((item) => ({ ...item, payload: asText(item.payload) })),
      })),
    );
  }

  override async load(
    ids: readonly string[],
    windows: LoadWindows,
  ): Promise<(StoredContext | undefined)[]> {
    return (await super.load(ids, windows)).map(
      (stored) =>
        stored && {
          main: {
            ...stored.main,
            misc: asText(stored.main.misc),
            frameworkData: asText(stored.main.frameworkData),
          },
          items: textFields(stored.items),
        },
    );
  }

  override async loadItems(
    id: string,
    request: ItemsRequest,
  ): Promise<Record<TurnField, StoredItems>> {
    return textFields(await super.loadItems(id, request));
  }
}

export const textPayloads: BrokenAdapter = {
  defect: 'payloads are stored and returned as UTF-8 text: binary payloads are mangled',
  caughtBy: ['binary payloads (not UTF-8) round-trip byte for byte'],
  open: (store, prefix, options) =>
    new DriverStorage(new TextPayloadsDriver(store, prefix), store, prefix, options),
};
