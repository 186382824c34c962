export {
  assertEncodable,
  type Codec,
  decodePayload,
  type EncodableKinds,
  jsonCodec,
  type Payload,
} from './codec.js';
export {
  assertContextId,
  Context,
  type ContextInit,
  type ContextSnapshot,
  type Turn,
} from './context.js';
export { withDeadline } from './deadline.js';
export {
  type ContextStorageDriver,
  type ContextWrite,
  type IdPage,
  type ItemRef,
  type ItemsRequest,
  type ItemWrite,
  type LoadWindows,
  type MainWrite,
  type StorageCapabilities,
  type StoredContext,
  type StoredItems,
  type StoredMain,
  TURN_FIELDS,
  type TurnField,
  type TurnWindow,
  type WriteOutcome,
} from './driver.js';
export {
  ClosedStorageError,
  CodecError,
  ConflictError,
  ConnectionError,
  ContextStorageError,
  type ContextStorageErrorCode,
  type ContextStorageErrorOptions,
  CorruptDataError,
  InvalidArgumentError,
  InvalidUriError,
  isContextStorageError,
  UnknownSchemeError,
  UnsupportedOperationError,
} from './errors.js';
export {
  type ContextStorageAdapter,
  type CreateStorageOptions,
  createContextStorage,
  KNOWN_SCHEMES,
  registerAdapter,
  registeredSchemes,
} from './registry.js';
export { richCodec } from './rich-codec.js';
export {
  DBContextStorage,
  DEFAULT_LATEST,
  DEFAULT_UPDATE_RETRIES,
  type IdsOptions,
  type LatestOption,
  type LoadOptions,
  type SaveOptions,
  type StorageOptions,
  type UpdateOptions,
} from './storage.js';
export { windowTurnIds } from './stored-context.js';
export { TurnMap } from './turn-map.js';
export { mergeOptions, redactUri, UriQuery, uriScheme } from './uri.js';
