/** Number of hash slots of a Redis Cluster. */
export const CLUSTER_SLOTS = 16384;

/** CRC16-XMODEM (polynomial 0x1021, initial value 0), the checksum Redis Cluster hashes keys with. */
const CRC16_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte += 1) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
    table[byte] = crc & 0xffff;
  }
  return table;
})();

const utf8 = new TextEncoder();

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >> 8) ^ byte) & 0xff]!;
  return crc;
}

/**
 * The hash slot of a key, exactly as Redis computes it (`keyHashSlot` in cluster.c): the first `{`
 * and the first `}` after it delimit the hash tag; without a `{`, without a `}` after it, or when
 * the tag is empty (`{}`), the whole key is hashed. The `cluster-key-slot` package, which ioredis
 * routes with, disagrees on the empty tag (it skips `{}` and hashes up to the next `}`), so a
 * binding that groups calls by node uses this instead. Cost: O(key length), one UTF-8 encoding.
 */
export function keySlot(key: string): number {
  // `{` and `}` are ASCII: in UTF-8 no byte of a multi-byte character equals them, so searching
  // the string finds the same positions as searching its bytes.
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) return crc16(utf8.encode(key.slice(open + 1, close))) % CLUSTER_SLOTS;
  }
  return crc16(utf8.encode(key)) % CLUSTER_SLOTS;
}
