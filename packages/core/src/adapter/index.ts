/**
 * The adapter toolkit of context-storage: what every adapter needs besides the contract, so that
 * an adapter author reads core, this toolkit and the memory adapter, and no other backend's code.
 *
 * - the driver contract: {@link ContextStorageDriver} and the types of its primitives;
 * - {@link boundedCall}: a deadline on every call, transport failures as `ConnectionError`;
 * - {@link UriQuery} and {@link mergeOptions}: the URI's query options, the code's winning;
 * - {@link windowTurnIds}: which turn ids a load window covers;
 * - {@link ttlLeftMs}: an expiry instant as the relative TTL most backends take;
 * - {@link versionMatches}: the version and creation check of a write;
 * - {@link storageLocation}: the one format of a storage's location;
 * - {@link undecodablePayload}: what a conformance `corrupt` hook writes;
 * - {@link importClientLibrary}: a client library's import, "not installed" as
 *   `MissingPackageError`.
 *
 * Applications import `@context-storage/core`; only adapters need this entry.
 *
 * @module
 */

export type { Payload } from '../codec.js';
export type {
  ContextStorageDriver,
  ContextWrite,
  IdPage,
  ItemRef,
  ItemsRequest,
  ItemWrite,
  LoadWindows,
  MainWrite,
  StorageCapabilities,
  StoredContext,
  StoredItems,
  StoredMain,
  TurnField,
  TurnWindow,
  WriteOutcome,
} from '../driver.js';
export { TURN_FIELDS } from '../driver.js';
export { redactUri, uriScheme } from '../uri.js';
export { boundedCall, type CallBound } from './bounded-call.js';
export { importClientLibrary, missingPackage } from './client-library.js';
export { withDeadline } from './deadline.js';
export { ttlLeftMs } from './expiry.js';
export { storageLocation } from './location.js';
export { processWide } from './process-wide.js';
export { undecodablePayload } from './raw-hooks.js';
export { readTlsFiles, type TlsFileContents, type TlsFilePaths } from './tls-files.js';
export { type CommonUriOptions, mergeOptions, UriQuery } from './uri-query.js';
export { type StoredVersion, versionMatches } from './version-check.js';
export { windowTurnIds } from './windows.js';
