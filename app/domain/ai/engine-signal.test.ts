/**
 * The engine's `unmatched` flag (machine.ts), the one change the assistant needed in the engine: set for free
 * text no rule understood, never otherwise, and never changing the engine's own answer.
 */
import { describe, expect, it } from "vitest";
import { transition } from "../conversation/machine";
import { initialState } from "../conversation/state";
import { Driver, makeCtx, T0 } from "../conversation/testing";

describe("transition(…).unmatched", () => {
  const ctx = makeCtx();

  it("is set for free text the rules do not match, with the hint as the answer", () => {
    const r = transition(initialState(), { type: "text", text: "do you have gifts for my mother?" }, ctx);
    expect(r.unmatched).toEqual({ text: "do you have gifts for my mother?" });
    expect(r.effects.filter((e) => e.type === "send")).toHaveLength(1);
    expect(JSON.stringify(r.effects)).toContain("Sorry, I didn't get that.");
  });

  it.each(["hi", "menu", "cart", "search shirts", "2", "99", "?", "عربي", "السلة"])(
    "is not set for %j",
    (text) => {
      expect(transition(initialState(), { type: "text", text }, ctx).unmatched).toBeUndefined();
    },
  );

  it("is not set for taps, data results or in human mode", () => {
    expect(
      transition(initialState(), { type: "reply", id: "menu:cart", title: "Cart" }, ctx).unmatched,
    ).toBeUndefined();
    const human = { ...initialState(), mode: "human" as const, step: "handoff" as const };
    expect(transition(human, { type: "text", text: "hello? anyone there" }, ctx).unmatched).toBeUndefined();
  });

  it("words where a quantity is expected are unmatched; numbers are not", () => {
    const d = new Driver(makeCtx());
    d.say("search shirt");
    d.tap(2); // Shirt 2: one variant → quantity
    expect(d.state.step).toBe("quantity");
    const words = transition(d.state, { type: "text", text: "is it cotton?" }, d.ctx);
    expect(words.unmatched).toEqual({ text: "is it cotton?" });
    expect(transition(d.state, { type: "text", text: "2" }, d.ctx).unmatched).toBeUndefined();
    expect(transition(d.state, { type: "text", text: "500" }, d.ctx).unmatched).toBeUndefined();
  });

  it("after an idle pause, text with words is unmatched (the menu is the answer)", () => {
    const d = new Driver(makeCtx());
    d.say("hi");
    const later = { ...d.ctx, now: new Date(T0.getTime() + 2 * 3600_000) };
    const r = transition(d.state, { type: "text", text: "do you still have the red one" }, later);
    expect(r.unmatched).toEqual({ text: "do you still have the red one" });
    expect(r.state.step).toBe("menu");
  });
});
