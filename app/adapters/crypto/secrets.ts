import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * Secrets at rest (WhatsApp access tokens, app secrets, LLM keys) are sealed with AES-256-GCM.
 * Format: `v1:<keyId>:<iv b64url>:<tag b64url>:<ciphertext b64url>`. The key id travels with the
 * ciphertext, so keys can be rotated: the first key of the ring encrypts, every key decrypts.
 * Pure apart from the random IV; the key ring is passed in (parsed from ENCRYPTION_KEY once).
 */
export interface KeyRing {
  primary: { id: string; key: Buffer };
  keys: Map<string, Buffer>;
}

export class SecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretError";
  }
}

export function parseKeyRing(spec: string): KeyRing {
  const entries = spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry, index) => {
      const colon = entry.indexOf(":");
      const [id, b64] =
        colon > 0 ? [entry.slice(0, colon), entry.slice(colon + 1)] : [`k${index + 1}`, entry];
      if (!/^[A-Za-z0-9_-]{1,16}$/.test(id)) throw new SecretError(`ENCRYPTION_KEY: bad key id "${id}"`);
      const key = Buffer.from(b64, "base64");
      if (key.length !== 32) {
        throw new SecretError(`ENCRYPTION_KEY: key "${id}" must be 32 bytes of base64 (got ${key.length})`);
      }
      return { id, key };
    });
  if (entries.length === 0) throw new SecretError("ENCRYPTION_KEY is empty");
  return { primary: entries[0], keys: new Map(entries.map((e) => [e.id, e.key])) };
}

export function seal(plaintext: string, ring: KeyRing): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", ring.primary.key, iv);
  cipher.setAAD(Buffer.from(`hala:${ring.primary.id}`));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [
    "v1",
    ring.primary.id,
    iv.toString("base64url"),
    tag.toString("base64url"),
    ciphertext.toString("base64url"),
  ].join(":");
}

export function open(sealed: string, ring: KeyRing): string {
  const parts = sealed.split(":");
  if (parts.length !== 5 || parts[0] !== "v1") throw new SecretError("not a sealed secret");
  const [, keyId, ivB64, tagB64, ctB64] = parts;
  const key = ring.keys.get(keyId);
  if (!key) throw new SecretError(`no key with id "${keyId}" in ENCRYPTION_KEY`);
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(ivB64, "base64url"));
    decipher.setAAD(Buffer.from(`hala:${keyId}`));
    decipher.setAuthTag(Buffer.from(tagB64, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ctB64, "base64url")), decipher.final()]).toString(
      "utf8",
    );
  } catch {
    throw new SecretError("secret could not be decrypted (wrong key or tampered data)");
  }
}

/** True when `sealed` was sealed under another key than the primary one (re-seal it). */
export function needsRotation(sealed: string, ring: KeyRing): boolean {
  return sealed.split(":")[1] !== ring.primary.id;
}

/** For display: "••••1234". Never shows more than the last 4 characters. */
export function mask(secret: string | null | undefined): string {
  if (!secret) return "";
  return "••••" + (secret.length > 8 ? secret.slice(-4) : "");
}
