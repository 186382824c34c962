import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectionError } from '@context-storage/core';
import type { KeyPage } from './connection.js';
import { CLUSTER_SLOTS } from './key-slot.js';
import { badCursor, type ScanPage } from './master-scan.js';

/** A master of a cluster, as a listing drives it. */
export interface ClusterMaster {
  /** How the client knows it (`host:port`); kept in cursors, so stable from one page to the next. */
  readonly address: string;
  /** One SCAN page on this master. */
  readonly scan: ScanPage;
  /** Its `CLUSTER NODES` reply (its own line tells the slots it serves and imports). */
  clusterNodes(): Promise<string>;
}

/** The masters of a cluster, as the client knows them. */
export interface ClusterMasters {
  /**
   * The masters now; with `refresh`, after the client read the cluster's topology again (a
   * binding whose client cannot be asked to may ignore it).
   */
  masters(refresh: boolean): Promise<readonly ClusterMaster[]>;
}

/** The state of a cluster listing, all in its cursor: `ids()` keeps nothing between pages. */
interface Listing {
  /** 1: every master, one after the other; 2: the masters that may have received keys meanwhile. */
  pass: 1 | 2;
  /** Masters still to scan, by address; the first is being scanned. */
  todo: string[];
  /** SCAN cursor on `todo[0]`. */
  at: string;
  /** In pass 1, the fingerprint of each scanned master's own slots when its scan began. */
  seen: Record<string, string>;
}

const CURSOR_HEAD = 'c:';

/**
 * One page of a listing of a cluster's keys that survives slots moving between masters. SCAN
 * only promises the keys that stay on the master it runs on, and the masters are scanned one
 * after the other: a key whose slot moves to a master already scanned would be missed. So the
 * first pass notes, with each master's first SCAN page, which slots that master serves and
 * imports (its own line of `CLUSTER NODES`, sent with the SCAN in the same round trip); when
 * the pass ends, every master is asked again, and the masters whose slots or imports changed
 * since their scan began, or that import now (keys may have reached them after their scan) are
 * scanned once more. One more pass is enough: a key that moves after the first pass ended was
 * on its old master during that master's whole scan, and SCAN returned it. Ids may repeat, as
 * the contract allows; none stored for the whole listing is missed, except one whose slot moves
 * twice during the listing, or to a master before its keys (not the order of `redis-cli`).
 *
 * Cost: the SCAN pages, one `CLUSTER NODES` per master with its first page, and at the end of
 * the pass one `CLUSTER NODES` per master in parallel (plus, after a reshard, the rescans).
 *
 * @throws `ConnectionError` when some slots are served by no master the client knows (a
 *   failover or a new master it has not seen yet): list again; `InvalidArgumentError` for a
 *   cursor that no page returned
 */
export async function scanCluster(
  cursor: string | undefined,
  match: string,
  count: number,
  cluster: ClusterMasters,
): Promise<KeyPage> {
  const masters = await cluster.masters(false);
  const listing: Listing =
    cursor === undefined
      ? { pass: 1, todo: masters.map((master) => master.address).sort(), at: '0', seen: {} }
      : decode(cursor);
  for (;;) {
    const address = listing.todo[0];
    const master = masters.find((candidate) => candidate.address === address);
    if (address !== undefined && master === undefined) {
      // No master any more: its slots went to other masters, which the end of the pass rescans.
      listing.todo.shift();
      listing.at = '0';
      continue;
    }
    if (master === undefined) return endOfPass(listing, [], cluster);
    let page: [string, string[]];
    if (listing.pass === 1 && listing.at === '0') {
      const [nodes, first] = await Promise.all([
        master.clusterNodes(),
        master.scan('0', match, count),
      ]);
      listing.seen[master.address] = ownSlots(nodes, master.address).fingerprint;
      page = first;
    } else {
      page = await master.scan(listing.at, match, count);
    }
    const [next, keys] = page;
    if (String(next) !== '0') return { keys, cursor: encode({ ...listing, at: String(next) }) };
    listing.todo.shift();
    listing.at = '0';
    if (listing.todo.length > 0) return { keys, cursor: encode(listing) };
    return endOfPass(listing, keys, cluster);
  }
}

async function endOfPass(
  listing: Listing,
  keys: string[],
  cluster: ClusterMasters,
): Promise<KeyPage> {
  if (listing.pass === 2) return { keys, cursor: undefined };
  const rescans = await mastersToRescan(listing.seen, cluster);
  if (rescans.length === 0) return { keys, cursor: undefined };
  return { keys, cursor: encode({ pass: 2, todo: rescans, at: '0', seen: {} }) };
}

/** Attempts at finding every slot served, a moment apart (a slot changing hands). */
const COVERAGE_ATTEMPTS = 3;

/**
 * The masters that may hold keys they did not hold when their scan began: their own slots or
 * imports changed, they import now, or they were not scanned at all.
 */
async function mastersToRescan(
  seen: Readonly<Record<string, string>>,
  cluster: ClusterMasters,
): Promise<string[]> {
  for (let attempt = 1; ; attempt += 1) {
    const masters = await cluster.masters(attempt > 1);
    const views = await Promise.all(
      masters.map(async (master) => ({
        address: master.address,
        own: ownSlots(await master.clusterNodes(), master.address),
      })),
    );
    const served = new Uint8Array(CLUSTER_SLOTS);
    for (const { own } of views) for (const slot of own.slots) served[slot] = 1;
    const unserved = served.reduce((sum, flag) => sum + (1 - flag), 0);
    if (unserved === 0) {
      return views
        .filter(({ address, own }) => own.importing || seen[address] !== own.fingerprint)
        .map(({ address }) => address)
        .sort();
    }
    if (attempt >= COVERAGE_ATTEMPTS) {
      throw new ConnectionError(
        `cannot list every context: ${unserved} slots of the Redis cluster are served by no master the client knows (a failover or a new master); list again`,
      );
    }
    await sleep(100 * attempt);
  }
}

/** What a master's own line of `CLUSTER NODES` says. */
interface OwnSlots {
  /** Slots it serves or imports. */
  slots: number[];
  /** Whether it imports some slot (`[slot-<-node]`). */
  importing: boolean;
  /** A short hash of its slots and of the slots it imports or exports. */
  fingerprint: string;
}

/**
 * Reads the `myself` line of a `CLUSTER NODES` reply: `<id> <address> <flags> <master> <ping>
 * <pong> <epoch> <link> <slot or range>... [<slot>-<-<id>] [<slot>->-<id>]`.
 */
function ownSlots(nodes: string, address: string): OwnSlots {
  const line = nodes
    .split('\n')
    .map((text) => text.trim().split(' '))
    .find((fields) => fields[2]?.split(',').includes('myself'));
  if (line === undefined) {
    throw new ConnectionError(
      `the Redis cluster node ${address} did not describe itself in CLUSTER NODES`,
    );
  }
  const entries = line.slice(8);
  const slots: number[] = [];
  let importing = false;
  for (const entry of entries) {
    const imported = /^\[(\d+)-<-/.exec(entry);
    if (imported !== null) {
      importing = true;
      slots.push(Number(imported[1]));
      continue;
    }
    const range = /^(\d+)(?:-(\d+))?$/.exec(entry);
    if (range === null) continue;
    const start = Number(range[1]);
    const end = range[2] === undefined ? start : Number(range[2]);
    for (let slot = start; slot <= end && slot < CLUSTER_SLOTS; slot += 1) slots.push(slot);
  }
  const fingerprint = createHash('sha1').update(entries.join(' ')).digest('base64url').slice(0, 12);
  return { slots, importing, fingerprint };
}

function encode(listing: Listing): string {
  const state = [listing.pass, listing.todo, listing.at, listing.seen];
  return CURSOR_HEAD + Buffer.from(JSON.stringify(state)).toString('base64url');
}

function decode(cursor: string): Listing {
  try {
    if (!cursor.startsWith(CURSOR_HEAD)) throw badCursor(cursor);
    const text = Buffer.from(cursor.slice(CURSOR_HEAD.length), 'base64url').toString('utf8');
    const [pass, todo, at, seen] = JSON.parse(text) as unknown[];
    const valid =
      (pass === 1 || pass === 2) &&
      Array.isArray(todo) &&
      todo.every((address) => typeof address === 'string') &&
      typeof at === 'string' &&
      /^\d+$/.test(at) &&
      typeof seen === 'object' &&
      seen !== null &&
      Object.values(seen).every((fingerprint) => typeof fingerprint === 'string');
    if (!valid) throw badCursor(cursor);
    return { pass, todo: todo as string[], at, seen: seen as Record<string, string> };
  } catch {
    throw badCursor(cursor);
  }
}
