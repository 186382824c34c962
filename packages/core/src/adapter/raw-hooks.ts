/**
 * Bytes that no codec of this library decodes (invalid UTF-8 for the JSON-text codecs, and 0xc1,
 * a byte MessagePack never uses): what a conformance `corrupt` hook writes in place of a payload
 * so that the suite can check that the damage is reported as `CorruptDataError` for that context
 * only. Returns a fresh copy each time, so no hook can change another's bytes.
 */
export function undecodablePayload(): Uint8Array {
  return new Uint8Array([0xc1, 0xff, 0xfe, 0x00]);
}
