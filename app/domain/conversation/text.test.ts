import { describe, expect, it } from "vitest";
import type { CatalogProduct } from "../types";
import { decodeEntities, htmlToPlainText } from "./text";
import { productDescription } from "./views";

describe("htmlToPlainText", () => {
  it("strips tags, decodes entities and collapses whitespace", () => {
    expect(
      htmlToPlainText("<p>Soft&nbsp;cotton &amp; linen</p>\n\n<ul><li>Cool</li><li>Light</li></ul>"),
    ).toBe("Soft cotton & linen Cool Light");
  });

  it("drops scripts, styles and comments", () => {
    expect(htmlToPlainText("<style>p{}</style><script>alert(1)</script><!-- x -->Hi")).toBe("Hi");
  });

  it("decodes numeric entities and leaves unknown ones", () => {
    expect(decodeEntities("&#1605;&#x631;&#1581;&#1576;&#1575; &foo; &#0;")).toBe("مرحبا &foo;  ");
  });
});

describe("productDescription", () => {
  const base: CatalogProduct = {
    id: "p",
    title: "P",
    priceRange: { min: { amount: "1", currencyCode: "SAR" }, max: { amount: "1", currencyCode: "SAR" } },
    availableForSale: true,
    variants: [],
  };

  it("prefers the plain description, else the HTML one", () => {
    expect(
      productDescription({ ...base, description: "  Plain   text ", descriptionHtml: "<b>Html</b>" }),
    ).toBe("Plain text");
    expect(productDescription({ ...base, descriptionHtml: "<b>Html</b> text" })).toBe("Html text");
    expect(productDescription(base)).toBe("");
  });

  it("keeps it to about 300 characters, cut at a word", () => {
    const long = productDescription({ ...base, descriptionHtml: `<p>${"word ".repeat(200)}</p>` });
    expect(long.length).toBeLessThanOrEqual(300);
    expect(long.endsWith("word…")).toBe(true);
  });
});
