// The content hash of a signed record (SYNC_PROTOCOL.md, Signing): SHA-256 hex of the snapshot's RFC 8785
// canonical JSON. The server recomputes it with the `rfc8785` package, so both sides must agree byte for byte:
// the canonicalisation is a vendored, tested implementation (canonicalize@5.1.0), not our own.

import canonicalize from '../../vendor/canonicalize-5.1.0.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** RFC 8785 canonical JSON of `value`; refuses numbers beyond ±(2^53−1), which the server refuses too. */
export function canonicalJson(value) {
  const walk = (v) => {
    if (typeof v === 'number' && (!Number.isFinite(v) || Math.abs(v) > MAX_SAFE)) {
      throw new RangeError(`number out of range: ${v}`);
    }
    if (v && typeof v === 'object') {
      Object.values(v).forEach(walk);
    }
  };
  walk(value);
  return canonicalize(value);
}

/** SHA-256 hex of a string (as UTF-8), an ArrayBuffer, a typed array or a Blob. */
export async function sha256Hex(data) {
  let bytes = data;
  if (typeof data === 'string') {
    bytes = new TextEncoder().encode(data);
  } else if (data instanceof Blob) {
    bytes = await data.arrayBuffer();
  }
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The contentHash of a snapshot. */
export async function contentHash(snapshot) {
  return sha256Hex(canonicalJson(snapshot));
}
