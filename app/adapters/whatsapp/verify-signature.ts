/**
 * Meta signs every webhook request with the app secret: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256>` of
 * the raw request bytes. Verify the bytes exactly as received, before any JSON parsing: re-serialised JSON
 * does not hash the same.
 *
 * Pure computation (node:crypto), no I/O.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "x-hub-signature-256";

const PREFIX = "sha256=";
const SHA256_HEX = /^[0-9a-f]{64}$/i;

export type RawBody = Uint8Array | Buffer | string;

/**
 * True when `header` is a well-formed `sha256=<64 hex>` signature of `rawBody` under any of `secrets`
 * (several during an app-secret rotation). Never throws. Empty secrets are ignored: an HMAC under an empty
 * key proves nothing.
 */
export function verifySignature(
  rawBody: RawBody,
  header: string | null | undefined,
  secrets: readonly string[],
): boolean {
  if (typeof header !== "string") return false;
  const value = header.trim();
  if (!value.startsWith(PREFIX)) return false;
  const hex = value.slice(PREFIX.length);
  if (!SHA256_HEX.test(hex)) return false;
  const given = Buffer.from(hex, "hex");

  const bytes = toBytes(rawBody);
  let matched = false;
  // Check every secret (no early exit) so the timing does not reveal which one matched.
  for (const secret of secrets) {
    if (typeof secret !== "string" || secret.length === 0) continue;
    const expected = createHmac("sha256", secret).update(bytes).digest();
    if (expected.length === given.length && timingSafeEqual(expected, given)) matched = true;
  }
  return matched;
}

/** The `X-Hub-Signature-256` header value Meta would send for `rawBody` (tests, the demo simulator). */
export function signBody(rawBody: RawBody, secret: string): string {
  if (secret.length === 0) throw new TypeError("signBody: the secret must not be empty");
  return PREFIX + createHmac("sha256", secret).update(toBytes(rawBody)).digest("hex");
}

function toBytes(rawBody: RawBody): Uint8Array {
  return typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : rawBody;
}
