import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadFixture } from "./test-support";
import { signBody, verifySignature } from "./verify-signature";

const SECRET = "hala-test-app-secret";
/** `openssl dgst -sha256 -hmac hala-test-app-secret text-message.json`, computed outside this code. */
const TEXT_MESSAGE_SIGNATURE = "sha256=97d2af90125f3d37faee9596d8e0909f00be8f8a3b8f27a2e1956e2204b3ac31";

const fixture = loadFixture("text-message.json");
const bytes = new TextEncoder().encode(fixture.text);

describe("signBody", () => {
  it("matches an independently computed HMAC of a real webhook body", () => {
    expect(signBody(fixture.text, SECRET)).toBe(TEXT_MESSAGE_SIGNATURE);
    expect(signBody(bytes, SECRET)).toBe(TEXT_MESSAGE_SIGNATURE);
    expect(signBody(Buffer.from(bytes), SECRET)).toBe(TEXT_MESSAGE_SIGNATURE);
  });

  it("matches RFC 4231 test case 2", () => {
    expect(signBody("what do ya want for nothing?", "Jefe")).toBe(
      "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });

  it("refuses an empty secret", () => {
    expect(() => signBody("{}", "")).toThrow(TypeError);
  });
});

describe("verifySignature", () => {
  it("accepts a real fixture body signed with the secret (string, Uint8Array, Buffer)", () => {
    expect(verifySignature(fixture.text, TEXT_MESSAGE_SIGNATURE, [SECRET])).toBe(true);
    expect(verifySignature(bytes, TEXT_MESSAGE_SIGNATURE, [SECRET])).toBe(true);
    expect(verifySignature(Buffer.from(bytes), TEXT_MESSAGE_SIGNATURE, [SECRET])).toBe(true);
  });

  it("accepts uppercase hex and surrounding whitespace", () => {
    const upper = "sha256=" + TEXT_MESSAGE_SIGNATURE.slice("sha256=".length).toUpperCase();
    expect(verifySignature(fixture.text, upper, [SECRET])).toBe(true);
    expect(verifySignature(fixture.text, ` ${TEXT_MESSAGE_SIGNATURE} `, [SECRET])).toBe(true);
  });

  it("rejects a tampered body", () => {
    const tampered = fixture.text.replace(
      "Does it come in another color?",
      "Does it come in another colour?",
    );
    expect(tampered).not.toBe(fixture.text);
    expect(verifySignature(tampered, TEXT_MESSAGE_SIGNATURE, [SECRET])).toBe(false);
    // Re-serialised JSON is not the bytes Meta signed.
    expect(verifySignature(JSON.stringify(fixture.json), TEXT_MESSAGE_SIGNATURE, [SECRET])).toBe(false);
    const flipped = Uint8Array.from(bytes);
    flipped[10] ^= 1;
    expect(verifySignature(flipped, TEXT_MESSAGE_SIGNATURE, [SECRET])).toBe(false);
  });

  it("rejects a tampered header", () => {
    const hex = TEXT_MESSAGE_SIGNATURE.slice("sha256=".length);
    const lastDigit = hex.at(-1) === "0" ? "1" : "0";
    expect(verifySignature(fixture.text, `sha256=${hex.slice(0, -1)}${lastDigit}`, [SECRET])).toBe(false);
  });

  it("rejects the wrong secret", () => {
    expect(verifySignature(fixture.text, TEXT_MESSAGE_SIGNATURE, ["another-secret"])).toBe(false);
  });

  it("accepts when any of several secrets matches (rotation)", () => {
    expect(verifySignature(fixture.text, TEXT_MESSAGE_SIGNATURE, ["old-secret", SECRET])).toBe(true);
    expect(verifySignature(fixture.text, TEXT_MESSAGE_SIGNATURE, [SECRET, "new-secret"])).toBe(true);
  });

  it("rejects with no secrets, or only empty ones", () => {
    expect(verifySignature(fixture.text, TEXT_MESSAGE_SIGNATURE, [])).toBe(false);
    expect(verifySignature(fixture.text, TEXT_MESSAGE_SIGNATURE, [""])).toBe(false);
  });

  it("does not let an empty secret vouch for a body signed with an empty key", () => {
    const signedWithEmptyKey = "sha256=" + createHmac("sha256", "").update(fixture.text).digest("hex");
    expect(verifySignature(fixture.text, signedWithEmptyKey, ["", SECRET])).toBe(false);
  });

  const hex = TEXT_MESSAGE_SIGNATURE.slice("sha256=".length);
  it.each([
    ["missing (undefined)", undefined],
    ["missing (null)", null],
    ["empty", ""],
    ["only the prefix", "sha256="],
    ["no prefix", hex],
    ["another algorithm", `sha1=${hex}`],
    ["uppercase prefix", `SHA256=${hex}`],
    ["too short", `sha256=${hex.slice(0, 62)}`],
    ["too long", `sha256=${hex}00`],
    ["odd length", `sha256=${hex}0`],
    ["not hex", `sha256=${"z".repeat(64)}`],
    ["hex with a space inside", `sha256=${hex.slice(0, 32)} ${hex.slice(33)}`],
    ["two signatures", `${TEXT_MESSAGE_SIGNATURE},${TEXT_MESSAGE_SIGNATURE}`],
  ])("rejects a header that is %s", (_name, header) => {
    expect(verifySignature(fixture.text, header, [SECRET])).toBe(false);
  });

  it("round-trips with signBody for any body and secret", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.string({ minLength: 1 }), (body, secret) => {
        return verifySignature(body, signBody(body, secret), [secret]);
      }),
    );
  });

  it("never throws and never accepts random headers", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (header, secret) => {
        return verifySignature(fixture.text, header, [secret]) === false;
      }),
    );
  });
});
