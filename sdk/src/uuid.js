// @ts-check
/**
 * UUIDv7 (RFC 9562): a 48-bit millisecond timestamp, then random bits. Ids made in the same
 * millisecond stay ordered through a 12-bit counter in `rand_a` (the RFC's method 1), so the
 * server's unique index on `event_id` grows at its end.
 */

let lastMs = -1;
let counter = 0;

/**
 * @param {number} [now] milliseconds since the epoch
 * @returns {string}
 */
export function uuid7(now = Date.now()) {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let ms = Math.max(now, lastMs);
  if (ms === lastMs) {
    counter += 1;
    // The counter is spent: borrow the next millisecond rather than go out of order.
    if (counter > 0xfff) {
      ms += 1;
      counter = bytes[6] & 0x07;
    }
  } else {
    // Start low in the range so many ids fit in one millisecond.
    counter = bytes[6] & 0x07;
  }
  lastMs = ms;
  for (let i = 5, t = ms; i >= 0; i--, t = Math.floor(t / 256)) bytes[i] = t % 256;
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  // A dash before bytes 4, 6, 8 and 10: 8-4-4-4-12 hex digits.
  return Array.from(bytes, (b, i) => (i > 3 && i < 11 && !(i & 1) ? '-' : '') + (b + 0x100).toString(16).slice(1)).join('');
}
