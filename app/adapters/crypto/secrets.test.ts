import { describe, expect, it } from "vitest";
import { mask, needsRotation, open, parseKeyRing, seal, SecretError } from "./secrets";

const k1 = Buffer.alloc(32, 1).toString("base64");
const k2 = Buffer.alloc(32, 2).toString("base64");

describe("secrets at rest", () => {
  it("seals with AES-256-GCM and opens again; the ciphertext never contains the secret", () => {
    const ring = parseKeyRing(`k1:${k1}`);
    const sealed = seal("EAAG-secret-token", ring);
    expect(sealed).toMatch(/^v1:k1:/);
    expect(sealed).not.toContain("EAAG-secret-token");
    expect(open(sealed, ring)).toBe("EAAG-secret-token");
    expect(seal("EAAG-secret-token", ring)).not.toBe(sealed); // random IV
  });

  it("rotates keys: the first key encrypts, older keys still decrypt", () => {
    const old = parseKeyRing(`k1:${k1}`);
    const sealedOld = seal("token", old);
    const rotated = parseKeyRing(`k2:${k2},k1:${k1}`);
    expect(open(sealedOld, rotated)).toBe("token");
    expect(needsRotation(sealedOld, rotated)).toBe(true);
    const sealedNew = seal("token", rotated);
    expect(sealedNew.startsWith("v1:k2:")).toBe(true);
    expect(needsRotation(sealedNew, rotated)).toBe(false);
    expect(() => open(sealedNew, old)).toThrow(/no key with id "k2"/);
  });

  it("rejects tampered ciphertext and malformed values", () => {
    const ring = parseKeyRing(k1);
    const sealed = seal("token", ring);
    const parts = sealed.split(":");
    parts[4] = Buffer.from("tampered").toString("base64url");
    expect(() => open(parts.join(":"), ring)).toThrow(SecretError);
    expect(() => open("plain-text", ring)).toThrow(/not a sealed secret/);
  });

  it("validates the key ring", () => {
    expect(() => parseKeyRing("")).toThrow(/empty/);
    expect(() => parseKeyRing("k1:" + Buffer.alloc(16).toString("base64"))).toThrow(/32 bytes/);
    expect(parseKeyRing(k1).primary.id).toBe("k1");
  });

  it("masks secrets for display", () => {
    expect(mask("EAAGabcdefgh1234")).toBe("••••1234");
    expect(mask("short")).toBe("••••");
    expect(mask(null)).toBe("");
  });
});
