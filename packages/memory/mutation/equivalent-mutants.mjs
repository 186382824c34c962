// The mutants of the mutation run (../stryker.config.mjs) that no conformance test can kill, each
// with the reason; ./score.mjs matches them in the report by file, mutator, the code replaced and
// its replacement (not by line, so that they survive edits elsewhere in the files).
//
// EQUIVALENT: the mutant behaves the same for every caller of the storage (kind 'same'), or for
// the memory adapter, the one the run tests (kind 'memory': a path memory never takes, exercised
// on another adapter). KNOWN_SURVIVORS: observable, but not with the hooks the suite has; they
// count as undetected in every score.
//
// An entry's `code` is the replaced source, whitespace collapsed; one ending in '...' is a prefix.
// A short, common `code` also names its `line`: a piece of the source line the mutant starts on.

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: entries quote source code

const MEMORY = 'packages/memory/src/memory-driver.ts';
const STORAGE = 'packages/core/src/storage.ts';
const STORED = 'packages/core/src/stored-context.ts';
const OPTIONS = 'packages/core/src/storage-options.ts';
const SERIALIZER = 'packages/core/src/serializer.ts';
const VERSION = 'packages/core/src/adapter/version-check.ts';
const WINDOWS = 'packages/core/src/adapter/windows.ts';
const TURNS = 'packages/core/src/turn-map.ts';
const CONTEXT = 'packages/core/src/context.ts';

const why = {
  unchangedSkip:
    'an optimization: loaded items, misc and frameworkData whose encoding did not change are not ' +
    'sent again; sending them anyway writes the same bytes under the same version check',
  deletesOnReplace:
    'deletions are sent with an overwrite too, but an overwrite drops every stored item first',
  samePayload:
    'samePayload only decides whether an unchanged value is sent again: answering "different" ' +
    'costs bytes, not data; the mutants that could answer "same" wrongly need a text payload ' +
    'compared with bytes, and memory gives every payload back in the form it was written',
  undefinedKey:
    'a key set to undefined instead of left out; drivers (memory too) test `=== undefined`',
  replaceKind: "a save mode whose kind is not 'changes' is an overwrite, whatever its kind reads",
  oneOutcomePerWrite: 'the driver answers every write (the contract), so the outcome is defined',
  backoff: 'the back-off between update retries: only how long a retry waits changes',
  generation: 'change generations are only compared for identity; counting down keeps them unique',
  lend:
    'lending a primitive value too only makes the next save encode and compare it; an equal ' +
    'encoding is not sent',
  absentSuperset:
    'loaded ids also marked absent: `values` is looked at first, and set or merge clear it',
  noteTurnId: 'setting currentTurnId to the value it already has',
  baselineWhileChanged:
    'the baseline of a turn still marked changed is never read: the next save sends the turn ' +
    'anyway and its commit resets the baseline',
  windowIds: 'a bogus turn id in a window is looked up, found absent and never asked for',
  redundantType:
    'Number.isSafeInteger / Number.isFinite already reject every value that is not a number',
  shortCircuit: 'the mutated operand is only evaluated when the stored entry exists',
  newContextCheck:
    'an expected version 0 matches only when nothing is stored, and core sends no ' +
    'expectedCreatedAt with it: comparing the two undefined creation times also says yes',
  settledTail:
    'a task with no earlier task still queued starts a microtask later (a missing tail, or a ' +
    'value that is no promise, settles at once): only its timing changes',
  coreNeverSends:
    'core never sends this write: an incremental write (replace: false) always carries the stored version, so it fails the check when nothing is stored, and creating or replacing always sends misc and frameworkData',
  extraPage: 'one more round trip, answered by an empty last page',
  expiryMillisecond: 'expired at the exact millisecond of its expiry, or one later',
  undefinedExpiry: '`undefined <= now` is false, as the original test says',
  payloadCopy:
    'payload copies: core never mutates a payload it handed to or got from a driver, and ' +
    'String.prototype.slice() returns the same string',
  // Paths memory never takes; other adapters of the repository do.
  ttlCapability: 'memory declares ttl: true; the refusal of a TTL runs only without it',
  listCapability: 'memory declares listIds: true; the refusal of ids() runs only without it',
  casCapability:
    'memory declares crossInstanceCompareAndSet: true; the per-id write queue runs only without ' +
    'it (keyv runs it), and queueing the writes of memory, each atomic, changes only when they run',
  untypedErrors:
    'memory throws only ContextStorageError subclasses, so wrapping other errors into a ' +
    'ConnectionError never happens with it',
  mainExpiresAt:
    'memory stores the expiry it computes from ttlMs (write step 4) and reports that one; Redis ' +
    'and keyv store main.expiresAt, where the TTL tests check it',
  allFields: 'memory always returns the three item maps, as the contract says',
};

const unreachable = {
  mainParts:
    "the corrupt hook damages main info through the version only ('main'), so no other main " +
    'field is ever unreadable and its part name is never reported',
  shape:
    "the 'misc' corruption stores bytes no codec decodes; misc that decodes to a non-object, or " +
    'is missing, needs a hook the suite does not have',
  ranges:
    'a version below 1 or a timestamp that is not finite needs a hook the suite does not have',
  factory:
    'an invalid storage option fails in the adapter factory; probing it from the suite would ' +
    "leak the client of keyv's Redis factory, which does not close it when the storage constructor throws",
  reDeleteInFlight:
    'a turn deleted, set and deleted again while a save of the first deletion is in flight: only ' +
    'a later fetchAll racing another writer that stores that turn could tell',
};

/**
 * Rows `[mutator, code, replacement, line?]` grouped under one reason (and, for equivalents, one
 * kind) and one file, flattened into entries.
 */
function entries(groups) {
  return groups.flatMap((group) => {
    const [reason, kind, file, rows] =
      group.length === 4 ? group : [group[0], undefined, ...group.slice(1)];
    return rows.map(([mutator, code, replacement, line]) => ({
      file,
      mutator,
      code,
      replacement,
      line,
      kind,
      why: reason,
    }));
  });
}

/** @type {{file: string, mutator: string, code: string, replacement: string, line?: string, kind: 'same' | 'memory', why: string}[]} */
// biome-ignore format: one mutant per line reads as a table
export const EQUIVALENT = entries([
  [why.unchangedSkip, 'same', STORED, [
    ['ConditionalExpression', 'incremental && !items.changed.has(turnId) && baseline !== undefined', 'false'],
    ['BooleanLiteral', '!items.changed.has(turnId)', 'items.changed.has(turnId)'],
    ['ConditionalExpression', 'baseline !== undefined', 'true'],
    ['EqualityOperator', 'baseline !== undefined', 'baseline === undefined'],
    ['BlockStatement', '{ // Only an object handed out or in since the load can have been mutated, in place. ...', '{}'],
    ['ConditionalExpression', '!items.lent.has(turnId)', 'false'],
    ['ConditionalExpression', 'samePayload(payload, baseline)', 'false'],
    ['ArrowFunction', '(payload: Payload, baseline: Payload | undefined) => incremental && baseline !== undefined && samePayload(payload, baseline)', '() => undefined'],
    ['ConditionalExpression', 'incremental && baseline !== undefined && samePayload(payload, baseline)', 'false'],
  ]],
  [why.deletesOnReplace, 'same', STORED, [
    ['ConditionalExpression', 'incremental', 'true', 'if (incremental) {'],
  ]],
  [why.samePayload, 'same', STORED, [
    ['BlockStatement', "{ if (typeof a === 'string' && typeof b === 'string') return a === b; ...", '{}'],
    ['ConditionalExpression', "typeof a === 'string' && typeof b === 'string'", 'true'],
    ['ConditionalExpression', "typeof a === 'string' && typeof b === 'string'", 'false'],
    ['LogicalOperator', "typeof a === 'string' && typeof b === 'string'", "typeof a === 'string' || typeof b === 'string'"],
    ['EqualityOperator', "typeof a === 'string'", "typeof a !== 'string'"],
    ['ConditionalExpression', "typeof a === 'string'", 'true'],
    ['ConditionalExpression', "typeof a === 'string'", 'false'],
    ['EqualityOperator', "typeof b === 'string'", "typeof b !== 'string'"],
    ['ConditionalExpression', "typeof b === 'string'", 'true'],
    ['ConditionalExpression', "typeof b === 'string'", 'false'],
    ['StringLiteral', "'string'", '""', 'typeof '],
    ['ConditionalExpression', 'a === b', 'false'],
    ['ConditionalExpression', 'left.byteLength === right.byteLength && Buffer.compare(left, right) === 0', 'false'],
    ['ConditionalExpression', 'left.byteLength === right.byteLength', 'true'],
    ['EqualityOperator', 'left.byteLength === right.byteLength', 'left.byteLength !== right.byteLength'],
  ]],
  [why.undefinedKey, 'same', STORED, [
    ['ConditionalExpression', 'mode.expectedVersion !== undefined', 'true'],
    ['ConditionalExpression', 'expiresAt === undefined', 'false'],
  ]],
  [why.baselineWhileChanged, 'same', STORED, [
    ['ConditionalExpression', 'items.changed.get(turnId) === changed.get(turnId)', 'true'],
  ]],
  [why.windowIds, 'same', WINDOWS, [
    ['ArrayDeclaration', '[]', '["Stryker was here"]', 'const ids: number[] = [];'],
  ]],
  [why.redundantType, 'same', STORED, [
    ['ConditionalExpression', "typeof value !== 'number'", 'false'],
  ]],
  [why.allFields, 'memory', STORED, [
    ['ConditionalExpression', 'items === undefined', 'false'],
  ]],
  [why.replaceKind, 'same', STORED, [
    ['StringLiteral', "'replace'", '""', "{ kind: 'replace'"],
    ['ObjectLiteral', "{ kind: 'replace' }", '{}'],
  ]],
  [why.replaceKind, 'same', STORAGE, [
    ['StringLiteral', "'replace'", '""', "context.version === 0 ? { kind: 'replace'"],
  ]],
  [why.oneOutcomePerWrite, 'same', STORAGE, [
    ['OptionalChaining', 'outcome?.ok', 'outcome.ok'],
    ['OptionalChaining', 'outcome?.actualVersion', 'outcome.actualVersion'],
  ]],
  [why.backoff, 'same', STORAGE, [
    ['ArithmeticOperator', 'Math.random() * Math.min(50, 2 ** attempt)', 'Math.random() / Math.min(50, 2 ** attempt)'],
    ['MethodExpression', 'Math.min(50, 2 ** attempt)', 'Math.max(50, 2 ** attempt)'],
    ['BlockStatement', '{ return new Promise((resolve) => setTimeout(resolve, ms)); }', '{}'],
  ]],
  [why.listCapability, 'memory', STORAGE, [
    ['ConditionalExpression', '!this.capabilities.listIds', 'false'],
    ['StringLiteral', "'list ids'", '""'],
  ]],
  [why.ttlCapability, 'memory', OPTIONS, [
    ['ConditionalExpression', '!capabilities.ttl', 'false'],
    ['StringLiteral', "'expire contexts (ttlMs)'", '""'],
  ]],
  [why.untypedErrors, 'memory', STORAGE, [
    ['ConditionalExpression', 'isContextStorageError(error)', 'true'],
    ['StringLiteral', '`the ${this.name} backend failed: ${error instanceof Error ? error.message : String(error)}`', '``'],
    ['ObjectLiteral', '{ cause: error }', '{}'],
  ]],
  [why.casCapability, 'memory', STORAGE, [
    ['ConditionalExpression', 'this.capabilities.crossInstanceCompareAndSet', 'true'],
    ['ConditionalExpression', 'this.capabilities.crossInstanceCompareAndSet', 'false'],
    ['ArrowFunction', '(entry) => entry.id', '() => undefined'],
  ]],
  [why.settledTail, 'same', SERIALIZER, [
    ['ArrayDeclaration', '[]', '["Stryker was here"]', 'this.#tails.get(key) ?? []'],
    ['ConditionalExpression', 'previous.length === 0', 'false'],
  ]],
  [why.generation, 'same', TURNS, [
    ['UpdateOperator', '++state.generation', '--state.generation'],
  ]],
  [why.lend, 'same', TURNS, [
    ['ConditionalExpression', "typeof value === 'object' && value !== null", 'true'],
    ['LogicalOperator', "typeof value === 'object' && value !== null", "typeof value === 'object' || value !== null"],
    ['ConditionalExpression', "typeof value === 'object'", 'true'],
    ['ConditionalExpression', 'value !== null', 'true'],
  ]],
  [why.absentSuperset, 'same', TURNS, [
    ['ConditionalExpression', '!state.values.has(turnId)', 'true'],
  ]],
  [why.noteTurnId, 'same', CONTEXT, [
    ['EqualityOperator', 'turnId > this.currentTurnId', 'turnId >= this.currentTurnId'],
  ]],
  [why.undefinedKey, 'same', MEMORY, [
    ['ConditionalExpression', 'entry.expiresAt === undefined', 'false'],
  ]],
  [why.shortCircuit, 'same', VERSION, [
    ['OptionalChaining', 'stored?.createdAt', 'stored.createdAt'],
  ]],
  [why.newContextCheck, 'same', VERSION, [
    ['ConditionalExpression', 'expected === 0', 'false'],
  ]],
  [why.shortCircuit, 'same', MEMORY, [
    ['OptionalChaining', 'entry?.misc', 'entry.misc'],
    ['OptionalChaining', 'entry?.frameworkData', 'entry.frameworkData'],
  ]],
  [why.coreNeverSends, 'same', MEMORY, [
    ['ConditionalExpression', 'entry === undefined', 'false'],
    ['ConditionalExpression', 'misc === undefined || frameworkData === undefined', 'false'],
    ['LogicalOperator', 'misc === undefined || frameworkData === undefined', 'misc === undefined && frameworkData === undefined'],
    ['ConditionalExpression', 'misc === undefined', 'false'],
    ['ConditionalExpression', 'frameworkData === undefined', 'false'],
    ['BlockStatement', '{ throw new TypeError(`write of new context ${write.id} lacks misc or frameworkData`); }', '{}'],
    ['StringLiteral', '`write of new context ${write.id} lacks misc or frameworkData`', '``'],
  ]],
  [why.extraPage, 'same', MEMORY, [
    ['ConditionalExpression', 'after.length > pageSize', 'true'],
    ['EqualityOperator', 'after.length > pageSize', 'after.length >= pageSize'],
  ]],
  [why.expiryMillisecond, 'same', MEMORY, [
    ['EqualityOperator', 'entry.expiresAt <= Date.now()', 'entry.expiresAt < Date.now()'],
    ['EqualityOperator', 'entry.expiresAt <= now', 'entry.expiresAt < now'],
  ]],
  [why.undefinedExpiry, 'same', MEMORY, [
    ['ConditionalExpression', 'entry.expiresAt !== undefined', 'true'],
  ]],
  [why.payloadCopy, 'same', MEMORY, [
    ['ConditionalExpression', "typeof payload === 'string'", 'true'],
    ['ConditionalExpression', "typeof payload === 'string'", 'false'],
    ['EqualityOperator', "typeof payload === 'string'", "typeof payload !== 'string'"],
    ['StringLiteral', "'string'", '""', 'typeof payload'],
    ['MethodExpression', 'payload.slice()', 'payload'],
  ]],
]);

/** Observable, but not through the suite's hooks: counted as undetected. */
// biome-ignore format: one mutant per line reads as a table
export const KNOWN_SURVIVORS = entries([
  [unreachable.mainParts, STORED, [
    ['StringLiteral', "'main.currentTurnId'", '""'],
    ['StringLiteral', "'main.createdAt'", '""'],
    ['StringLiteral', "'main.updatedAt'", '""'],
    ['StringLiteral', "'main.expiresAt'", '""'],
    ['StringLiteral', "'frameworkData'", '""'],
  ]],
  [unreachable.shape, STORED, [
    ['ConditionalExpression', 'payload === undefined', 'false'],
    ['StringLiteral', "'it is missing'", '""'],
    ['ConditionalExpression', "typeof value !== 'object' || value === null || Array.isArray(value)", 'false'],
    ['LogicalOperator', "typeof value !== 'object' || value === null || Array.isArray(value)", "(typeof value !== 'object' || value === null) && Array.isArray(value)"],
    ['ConditionalExpression', "typeof value !== 'object' || value === null", 'false'],
    ['LogicalOperator', "typeof value !== 'object' || value === null", "typeof value !== 'object' && value === null"],
    ['ConditionalExpression', "typeof value !== 'object'", 'false'],
    ['ConditionalExpression', 'value === null', 'false'],
    ['BlockStatement', "{ throw new CorruptDataError(id, part, 'it is not an object'); }", '{}'],
    ['StringLiteral', "'it is not an object'", '""'],
  ]],
  [unreachable.ranges, STORED, [
    ['ConditionalExpression', 'value < min', 'false'],
    ['ConditionalExpression', "typeof value !== 'number' || !Number.isFinite(value)", 'false'],
    ['LogicalOperator', "typeof value !== 'number' || !Number.isFinite(value)", "typeof value !== 'number' && !Number.isFinite(value)"],
    ['BlockStatement', '{ throw new CorruptDataError(id, part, `expected a timestamp in ms, found ${String(value)}`); }', '{}'],
    ['StringLiteral', '`expected a timestamp in ms, found ${String(value)}`', '``'],
  ]],
  [unreachable.reDeleteInFlight, STORED, [
    ['ConditionalExpression', 'items.deleted.get(turnId) === generation', 'true'],
  ]],
  [unreachable.factory, STORAGE, [
    ['StringLiteral', "'updateRetries'", '""'],
  ]],
]);
