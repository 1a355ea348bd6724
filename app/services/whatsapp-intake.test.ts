import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { storable, UNSTORABLE_ESCAPE } from "./whatsapp-intake.server";

describe("the intake's parse: the cleaning reviver runs only when the raw JSON can need it", () => {
  it("without a NUL or surrogate escape in the text, the reviver would change nothing", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: "binary" }), (value, text) => {
        for (const raw of [JSON.stringify(value), JSON.stringify({ [text]: text, v: value })]) {
          if (UNSTORABLE_ESCAPE.test(raw)) continue;
          expect(JSON.parse(raw, storable)).toEqual(JSON.parse(raw));
        }
      }),
      { numRuns: 500 },
    );
  });

  it("finds NUL and lone surrogates as JSON.stringify and Meta escape them", () => {
    for (const s of ["a\u0000b", "x\ud800", "\udc00y", "\\u0000"]) {
      expect(UNSTORABLE_ESCAPE.test(JSON.stringify({ text: s }))).toBe(true);
    }
    for (const s of ["مرحبا", "hi", "\u00e9", "\u0001", "😀"]) {
      expect(UNSTORABLE_ESCAPE.test(JSON.stringify({ text: s }))).toBe(false);
    }
    // Escaped by the sender (Meta escapes non-ASCII): Arabic letters do not trigger it, a NUL does.
    expect(UNSTORABLE_ESCAPE.test(String.raw`{"t":"\u0645\u0631"}`)).toBe(false);
    expect(UNSTORABLE_ESCAPE.test(String.raw`{"t":"\u0000"}`)).toBe(true);
    expect(UNSTORABLE_ESCAPE.test(String.raw`{"t":"\uDBFF"}`)).toBe(true);
  });
});
