import { describe, expect, it } from "vitest";
import { normalizeText } from "../normalize";
import { AR_PHRASES, AR_WORDS } from "./ar";
import { EMOJI } from "./emoji";
import { EN_PHRASES, EN_WORDS } from "./en";
import { PHRASES, WORD_VALENCE } from "./index";
import { MODIFIERS_AR, MODIFIERS_EN, NEGATORS_AR, NEGATORS_EN } from "./modifiers";

describe("lexicons", () => {
  it("valences are finite and within -4..4", () => {
    for (const rec of [EN_WORDS, AR_WORDS, EMOJI]) {
      for (const [k, v] of Object.entries(rec)) {
        expect(Number.isFinite(v), k).toBe(true);
        expect(Math.abs(v), k).toBeLessThanOrEqual(4);
      }
    }
  });

  it("single-word entries are single words; one-word phrases only for fixed idioms ('ماقصرتوا')", () => {
    for (const k of [...Object.keys(EN_WORDS), ...Object.keys(AR_WORDS)]) expect(k, k).not.toMatch(/\s/);
    for (const p of [...EN_PHRASES, ...AR_PHRASES]) {
      if (p.words.trim().split(/\s+/).length === 1) expect(p.fixed, p.words).toBe(true);
    }
  });

  it("English keys are lower-case", () => {
    for (const k of Object.keys(EN_WORDS)) expect(k).toBe(k.toLowerCase());
  });

  it("no two Arabic spellings normalise to the same key with different valences", () => {
    const seen = new Map<string, [string, number]>();
    for (const [k, v] of Object.entries(AR_WORDS)) {
      const n = normalizeText(k);
      const prev = seen.get(n);
      if (prev) expect(prev[1], `${prev[0]} vs ${k}`).toBe(v);
      seen.set(n, [k, v]);
    }
    expect(WORD_VALENCE.size).toBeGreaterThan(300);
  });

  it("negators and modifiers are not also sentiment words", () => {
    for (const w of [
      ...NEGATORS_EN,
      ...NEGATORS_AR,
      ...Object.keys(MODIFIERS_EN),
      ...Object.keys(MODIFIERS_AR),
    ]) {
      expect(WORD_VALENCE.has(normalizeText(w)), w).toBe(false);
    }
  });

  it("modifier factors are positive", () => {
    for (const m of [...Object.values(MODIFIERS_EN), ...Object.values(MODIFIERS_AR)])
      expect(m.factor).toBeGreaterThan(0);
  });

  it("phrases are tried longest first", () => {
    for (let i = 1; i < PHRASES.length; i++) {
      expect(PHRASES[i - 1].words.length).toBeGreaterThanOrEqual(PHRASES[i].words.length);
    }
  });
});
