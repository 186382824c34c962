export {
  assertEncodable,
  type Codec,
  type EncodableKinds,
  jsonCodec,
  type Payload,
} from './codec.js';
export {
  Context,
  type ContextInit,
  type ContextInitArgs,
  type ContextSnapshot,
  type Turn,
} from './context.js';
export { isContext } from './context-brand.js';
export type {
  ContextTypes,
  LabelOf,
  MiscOf,
  RequestOf,
  ResponseOf,
} from './context-types.js';
export { devalueCodec } from './devalue-codec.js';
export {
  type LoadWindows,
  type StorageCapabilities,
  TURN_FIELDS,
  type TurnField,
  type TurnWindow,
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
  MissingPackageError,
  PermissionError,
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
export { DBContextStorage } from './storage.js';
export {
  type AdapterOptions,
  type ClientAdapterOptions,
  DEFAULT_LATEST,
  DEFAULT_UPDATE_RETRIES,
  type IdsOptions,
  type LatestOption,
  type LoadOptions,
  type SaveOptions,
  type StorageOptions,
  type UpdateOptions,
} from './storage-options.js';
export { TurnMap } from './turn-map.js';
export { redactUri } from './uri.js';
