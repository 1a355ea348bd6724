import { describe, expect, it } from "vitest";
import {
  clampFirst,
  mapProduct,
  mapVariantWithProduct,
  parseRetailerId,
  toCartLine,
  type ProductDetailJson,
  type VariantWithProductJson,
} from "./catalog";

const product: ProductDetailJson = {
  id: "gid://shopify/Product/1",
  title: "Royal Oud Oil",
  handle: "royal-oud-oil",
  status: "ACTIVE",
  description: "Aged oud oil.",
  descriptionHtml: "<p>Aged <strong>oud</strong> oil.</p>",
  featuredMedia: { preview: { image: { url: "https://cdn.shopify.com/oud.jpg" } } },
  priceRangeV2: {
    minVariantPrice: { amount: "180.0", currencyCode: "SAR" },
    maxVariantPrice: { amount: "590.0", currencyCode: "SAR" },
  },
  variants: {
    nodes: [
      {
        id: "gid://shopify/ProductVariant/11",
        title: "3 ml",
        sku: "OUD-3",
        price: "180.00",
        availableForSale: false,
        inventoryQuantity: 0,
      },
      {
        id: "gid://shopify/ProductVariant/12",
        title: "6 ml",
        sku: null,
        price: "320.00",
        availableForSale: true,
        inventoryQuantity: null,
      },
    ],
  },
};

describe("mapping", () => {
  it("maps a product to the domain", () => {
    expect(mapProduct(product, "SAR")).toEqual({
      id: "gid://shopify/Product/1",
      title: "Royal Oud Oil",
      handle: "royal-oud-oil",
      description: "Aged oud oil.",
      descriptionHtml: "<p>Aged <strong>oud</strong> oil.</p>",
      imageUrl: "https://cdn.shopify.com/oud.jpg",
      priceRange: {
        min: { amount: "180.0", currencyCode: "SAR" },
        max: { amount: "590.0", currencyCode: "SAR" },
      },
      availableForSale: true,
      variants: [
        {
          id: "gid://shopify/ProductVariant/11",
          title: "3 ml",
          sku: "OUD-3",
          price: { amount: "180.00", currencyCode: "SAR" },
          availableForSale: false,
          inventoryQuantity: 0,
        },
        {
          id: "gid://shopify/ProductVariant/12",
          title: "6 ml",
          sku: null,
          price: { amount: "320.00", currencyCode: "SAR" },
          availableForSale: true,
          inventoryQuantity: null,
        },
      ],
    });
  });

  it("makes nothing of a DRAFT or ARCHIVED product available; handles a missing image", () => {
    const draft = mapProduct({ ...product, status: "DRAFT", featuredMedia: null }, "SAR");
    expect(draft.availableForSale).toBe(false);
    expect(draft.variants.some((v) => v.availableForSale)).toBe(false);
    expect(draft.imageUrl).toBeNull();
    expect(mapProduct({ ...product, status: "UNLISTED" }, "SAR").availableForSale).toBe(true);
  });

  it("maps a variant with its product and builds a cart line", () => {
    const json: VariantWithProductJson = {
      ...product.variants.nodes[1],
      product: {
        id: product.id,
        title: product.title,
        handle: product.handle,
        status: "ACTIVE",
        featuredMedia: null,
      },
    };
    const variant = mapVariantWithProduct(json, "SAR");
    expect(variant).toMatchObject({
      productId: product.id,
      productTitle: "Royal Oud Oil",
      imageUrl: null,
      availableForSale: true,
    });
    expect(toCartLine(variant, 2)).toEqual({
      variantId: "gid://shopify/ProductVariant/12",
      productId: "gid://shopify/Product/1",
      productTitle: "Royal Oud Oil",
      variantTitle: "6 ml",
      quantity: 2,
      unitPrice: { amount: "320.00", currencyCode: "SAR" },
    });
  });
});

describe("parseRetailerId", () => {
  it.each([
    ["49100000001001", { kind: "variantId", value: "gid://shopify/ProductVariant/49100000001001" }],
    ["gid://shopify/ProductVariant/7", { kind: "variantId", value: "gid://shopify/ProductVariant/7" }],
    [
      "shopify_SA_9100000001000_49100000001001",
      { kind: "variantId", value: "gid://shopify/ProductVariant/49100000001001" },
    ],
    ["ABY-CLS-BLK-52", { kind: "sku", value: "ABY-CLS-BLK-52" }],
    ["gid://shopify/Product/7", { kind: "sku", value: "gid://shopify/Product/7" }],
  ])("%s", (input, expected) => expect(parseRetailerId(input)).toEqual(expected));
});

describe("clampFirst", () => {
  it("keeps page sizes within 1..50", () => {
    expect(clampFirst(undefined, 9)).toBe(9);
    expect(clampFirst(0, 9)).toBe(1);
    expect(clampFirst(500, 9)).toBe(50);
    expect(clampFirst(Number.NaN, 9)).toBe(9);
    expect(clampFirst(7.8, 9)).toBe(7);
  });
});
