/**
 * Hashed bag-of-words for free-text columns: lower-cased `[a-z0-9]+` tokens, each hashed
 * by CRC-32 (IEEE, the zlib polynomial) modulo the bucket count. Hand-written because
 * `zlib.crc32` only exists from Node 20.15 and the engine supports all of Node 20; the
 * hash is fed one character at a time, so no token substring is ever built.
 */

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-32 of a string of bytes (char codes < 256), as an unsigned 32-bit integer. */
export function crc32(s: string): number {
  let c = -1;
  for (let i = 0; i < s.length; i++) c = CRC_TABLE[(c ^ s.charCodeAt(i)) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/**
 * Count the hashed tokens of `text` into `counts` (length = bucket count), write every bucket
 * touched for the first time to `touched` (same length) and return how many there were.
 * Tokens are maximal runs of [a-z0-9] after lower-casing (the same tokens as the reference's
 * `re.findall('[a-z0-9]+', s.lower())`). `counts` must be zero on entry for a fresh row.
 */
export function countTokens(text: string, counts: Int32Array, touched: Int32Array): number {
  const lower = text.toLowerCase();
  const buckets = counts.length;
  let nTouched = 0;
  let c = -1;
  let inToken = false;
  for (let i = 0, n = lower.length; i <= n; i++) {
    const ch = i < n ? lower.charCodeAt(i) : 0;
    if ((ch >= 97 && ch <= 122) || (ch >= 48 && ch <= 57)) {
      c = CRC_TABLE[(c ^ ch) & 0xff] ^ (c >>> 8);
      inToken = true;
    } else if (inToken) {
      const b = ((c ^ -1) >>> 0) % buckets;
      if (counts[b]++ === 0) touched[nTouched++] = b;
      c = -1;
      inToken = false;
    }
  }
  return nTouched;
}
