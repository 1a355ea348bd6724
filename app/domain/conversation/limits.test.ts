import { describe, expect, it } from "vitest";
import type { OutboundMessage } from "../types";
import {
  buttonsMessage,
  checkOutboundMessage,
  ctaUrlMessage,
  fit,
  fitWords,
  listMessage,
  textMessage,
  WA_LIMITS,
} from "./limits";

describe("fit", () => {
  it("keeps short text and trims it", () => {
    expect(fit("  hello ", 10)).toBe("hello");
  });

  it("cuts long text with an ellipsis, within the limit", () => {
    const out = fit("a".repeat(30), 20);
    expect(out.length).toBe(20);
    expect(out.endsWith("…")).toBe(true);
  });

  it("never splits a surrogate pair", () => {
    const out = fit("😀".repeat(20), 11);
    expect(out.length).toBeLessThanOrEqual(11);
    expect(out).toBe("😀".repeat(5) + "…");
  });

  it("fitWords cuts at a word boundary", () => {
    expect(fitWords("one two three four five six", 16)).toBe("one two three…");
  });
});

describe("builders enforce the limits", () => {
  it("buttons: at most 3, titles ≤ 20, unique ids and titles, body ≤ 1024, header/footer ≤ 60", () => {
    const m = buttonsMessage({
      body: "x".repeat(2000),
      header: "h".repeat(100),
      footer: "f".repeat(100),
      buttons: [
        { id: "a", title: "A very long button title indeed" },
        { id: "a", title: "duplicate id" },
        { id: "b", title: "A very long button title indeed" },
        { id: "c", title: "C" },
        { id: "d", title: "D" },
        { id: "e".repeat(300), title: "too long id" },
      ],
    });
    expect(checkOutboundMessage(m)).toEqual([]);
    expect(m.buttons.map((b) => b.id)).toEqual(["a", "c", "d"]);
    expect(m.body.length).toBe(WA_LIMITS.interactiveBody);
  });

  it("lists: at most 10 rows, titles ≤ 24, descriptions ≤ 72, button text ≤ 20", () => {
    const m = listMessage({
      body: "Pick",
      buttonText: "A list button that is long",
      rows: Array.from({ length: 14 }, (_, i) => ({
        id: `row:${i}`,
        title: `Row number ${i} with a long title`,
        description: "d".repeat(100),
      })),
    });
    expect(checkOutboundMessage(m)).toEqual([]);
    expect(m.sections[0].rows).toHaveLength(10);
  });

  it("empty titles and bodies are replaced, so WhatsApp never rejects them", () => {
    const m = listMessage({ body: " ", buttonText: "", rows: [{ id: "x", title: "  " }] });
    expect(checkOutboundMessage(m)).toEqual([]);
  });

  it("text and cta_url", () => {
    expect(checkOutboundMessage(textMessage("t".repeat(5000)))).toEqual([]);
    const cta = ctaUrlMessage({
      body: "b".repeat(1500),
      displayText: "Pay right now please!!",
      url: "https://x.test/i",
    });
    expect(checkOutboundMessage(cta)).toEqual([]);
  });
});

describe("checkOutboundMessage", () => {
  it("reports every broken limit", () => {
    const bad: OutboundMessage = {
      kind: "list",
      body: "",
      header: "h".repeat(61),
      buttonText: "b".repeat(21),
      sections: [
        {
          rows: Array.from({ length: 11 }, (_, i) => ({
            id: i < 2 ? "same" : `r${i}`,
            title: "t".repeat(25),
            description: "d".repeat(73),
          })),
        },
      ],
    };
    const problems = checkOutboundMessage(bad);
    expect(problems.join("\n")).toMatch(/body is empty/);
    expect(problems.join("\n")).toMatch(/header is 61/);
    expect(problems.join("\n")).toMatch(/list button text is 21/);
    expect(problems.join("\n")).toMatch(/11 rows/);
    expect(problems.join("\n")).toMatch(/row title/);
    expect(problems.join("\n")).toMatch(/row description/);
    expect(problems.join("\n")).toMatch(/not unique/);
  });

  it("flags too many buttons, duplicate titles and long ids", () => {
    const problems = checkOutboundMessage({
      kind: "buttons",
      body: "b",
      buttons: [
        { id: "1", title: "x" },
        { id: "2", title: "x" },
        { id: "3".repeat(201), title: "y" },
        { id: "4", title: "z" },
      ],
    });
    expect(problems.join("\n")).toMatch(/4 buttons/);
    expect(problems.join("\n")).toMatch(/titles are not unique/);
    expect(problems.join("\n")).toMatch(/id is 201/);
  });

  it("flags a cta_url without an http(s) url", () => {
    expect(
      checkOutboundMessage({ kind: "cta_url", body: "b", displayText: "Pay", url: "javascript:1" }),
    ).toHaveLength(1);
  });
});
