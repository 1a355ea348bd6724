import { describe, expect, it } from "vitest";
import { phonesMatch, toE164 } from "./phone";

describe("toE164", () => {
  it.each([
    ["966501234567", "+966501234567"],
    ["+966 50 123 4567", "+966501234567"],
    ["00966-50-123-4567", "+966501234567"],
    ["(971) 55 111 2233", "+971551112233"],
  ])("%s → %s", (input, expected) => expect(toE164(input)).toBe(expected));

  it.each(["", "abc", "+0123456789", "1234", "+1234567890123456", null, undefined])("rejects %s", (input) =>
    expect(toE164(input)).toBeNull(),
  );
});

describe("phonesMatch", () => {
  const me = "+966501234567";
  it.each([
    ["+966501234567", true],
    ["+966 50 123 4567", true],
    ["00966501234567", true],
    ["966501234567", true],
    ["0501234567", true],
    ["050 123 4567", true],
    ["501234567", true],
    ["+966501234568", false],
    ["+971501234567", false],
    ["0501234568", false],
    ["1234567", false],
    ["4567", false],
    ["", false],
    [null, false],
  ])("%s → %s", (candidate, expected) => expect(phonesMatch(me, candidate)).toBe(expected));
});
