/**
 * The Shopify Admin adapter end to end: (a) every operation of operations.ts validates against the Admin
 * schema of ADMIN_API_VERSION, (b) the model functions against the msw Admin mock over the demo store, and
 * (c) throttling, outages and auth failures through the real client.
 */
import fc from "fast-check";
import {
  Kind,
  NoDeprecatedCustomRule,
  parse,
  specifiedRules,
  validate,
  visit,
  type OperationDefinitionNode,
} from "graphql";
import { beforeEach, describe, expect, it } from "vitest";
import {
  createAdminClient,
  ShopifyAdminError,
  ShopifyUserErrors,
  type AdminClient,
  type AdminClientOptions,
} from "~/adapters/shopify/admin-client";
import { ADMIN_API_VERSION } from "~/adapters/shopify/api-version";
import {
  findVariantsForRetailerIds,
  getProduct,
  getShopInfo,
  getVariants,
  listCollectionProducts,
  listCollections,
  searchProducts,
} from "~/adapters/shopify/catalog";
import { createDraftOrderCheckout, HALA_CONVERSATION_ATTRIBUTE } from "~/adapters/shopify/checkout";
import * as operations from "~/adapters/shopify/operations";
import { getOrder, recentOrdersByPhone } from "~/adapters/shopify/orders";
import { buildProductSearchQuery } from "~/adapters/shopify/search-query";
import { DEMO_SHOP_DOMAIN, DemoShopifyStore, demoCollections, demoProducts } from "./mocks/demo-catalog";
import { server } from "./mocks/server";
import {
  appOperationNames,
  createShopifyAdminHandlers,
  loadAdminSchema,
  parseSearchQuery,
  type ShopifyAdminHandlers,
} from "./mocks/shopify-admin";

const schema = loadAdminSchema();
const exportedOperations = Object.entries(operations as Record<string, unknown>).filter(
  (entry): entry is [string, string] => typeof entry[1] === "string",
);

// ---------------------------------------------------------------------------------------------
// (a) The operations against the schema
// ---------------------------------------------------------------------------------------------

describe(`operations.ts against the Admin schema ${ADMIN_API_VERSION}`, () => {
  it("exports the operations (enumerated, so that a new one is covered automatically)", () => {
    expect(exportedOperations.length).toBeGreaterThanOrEqual(11);
    expect(Object.keys(operations).length).toBe(exportedOperations.length);
  });

  it.each(exportedOperations)("%s is one named #graphql operation that validates", (_name, source) => {
    expect(source.trimStart().startsWith("#graphql")).toBe(true);
    const document = parse(source);
    const ops = document.definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    expect(ops).toHaveLength(1);
    expect(ops[0].name?.value).toMatch(/^Hala[A-Z]\w+$/);
    expect(validate(schema, document).map((e) => e.message)).toEqual([]);
  });

  it.each(exportedOperations)("%s uses no deprecated field, argument or enum value", (_name, source) => {
    const errors = validate(schema, parse(source), [...specifiedRules, NoDeprecatedCustomRule]);
    expect(errors.map((e) => e.message)).toEqual([]);
  });

  it.each(exportedOperations)("%s asks for at most 50 items per connection literal", (_name, source) => {
    const firsts: number[] = [];
    visit(parse(source), {
      Argument(node) {
        if ((node.name.value === "first" || node.name.value === "last") && node.value.kind === Kind.INT) {
          firsts.push(Number(node.value.value));
        }
      },
    });
    for (const n of firsts) expect(n).toBeLessThanOrEqual(50);
  });

  it("has unique operation names, all answered by the Admin mock", () => {
    const names = exportedOperations.map(([, source]) => operationName(source));
    expect(new Set(names).size).toBe(names.length);
    expect(
      appOperationNames()
        .map((o) => o.name)
        .sort(),
    ).toEqual([...names].sort());
  });
});

function operationName(source: string): string {
  const op = parse(source).definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  return op!.name!.value;
}

// ---------------------------------------------------------------------------------------------
// Shared set-up for (b) and (c)
// ---------------------------------------------------------------------------------------------

const SHOPPER = "966501234567"; // a WhatsApp wa_id
const OTHER_SHOPPER = "971551112233";

let store: DemoShopifyStore;
let admin: ShopifyAdminHandlers;
let sleeps: number[];
let clock: number;

function client(overrides: Partial<AdminClientOptions> = {}): AdminClient {
  return createAdminClient({
    shop: DEMO_SHOP_DOMAIN,
    accessToken: "shpat_test_token",
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...overrides,
  });
}

const productByHandle = (handle: string) => demoProducts.find((p) => p.handle === handle)!;
const variantGid = (handle: string, index = 0) =>
  `gid://shopify/ProductVariant/${productByHandle(handle).variants[index].id}`;
const productGid = (handle: string) => `gid://shopify/Product/${productByHandle(handle).id}`;
const collectionGid = (handle: string) =>
  `gid://shopify/Collection/${demoCollections.find((c) => c.handle === handle)!.id}`;

beforeEach(() => {
  clock = Date.UTC(2026, 9, 1, 8, 0, 0);
  // Every timestamp one minute after the previous one.
  store = new DemoShopifyStore({ now: () => new Date((clock += 60_000)) });
  admin = createShopifyAdminHandlers(store, { schema });
  server.use(...admin);
  sleeps = [];
});

// ---------------------------------------------------------------------------------------------
// (b) Catalog, checkout and orders against the mock
// ---------------------------------------------------------------------------------------------

describe("catalog", () => {
  it("lists published, non-empty collections by title and pages through them", async () => {
    const first = await listCollections(client());
    expect(first.collections.map((c) => c.title)).toEqual([
      "Abayas",
      "Dates & Arabic Coffee",
      "Eid Gifts",
      "Home Décor",
      "Kids",
      "Perfumes & Oud",
      "Scarves & Hijabs",
    ]);
    expect(first.nextCursor).toBeNull();
    expect(first.collections[0]).toEqual({ id: collectionGid("abayas"), title: "Abayas", productsCount: 8 });

    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof listCollections>> = await listCollections(client(), {
        after,
        pageSize: 3,
      });
      seen.push(...page.collections.map((c) => c.title));
      after = page.nextCursor;
      pages++;
    } while (after);
    // 8 published (one empty, filtered out) → 3 pages of 3; no duplicates, nothing lost.
    expect(pages).toBe(3);
    expect(seen).toEqual(first.collections.map((c) => c.title));
  });

  it("pages a collection's ACTIVE products with a cursor and maps them to the domain", async () => {
    const titles: string[] = [];
    const page1 = await listCollectionProducts(client(), collectionGid("abayas"), { pageSize: 4 });
    expect(page1.nextCursor).not.toBeNull();
    titles.push(...page1.products.map((p) => p.title));
    let cursor = page1.nextCursor;
    while (cursor) {
      const next = await listCollectionProducts(client(), collectionGid("abayas"), {
        pageSize: 4,
        after: cursor,
      });
      titles.push(...next.products.map((p) => p.title));
      cursor = next.nextCursor;
    }
    expect(titles).toEqual([
      "Classic Black Abaya",
      "Embroidered Navy Abaya",
      "Open-Front Kimono Abaya",
      "Linen Summer Abaya",
      "Pearl Cuff Abaya",
      "Everyday Jersey Abaya",
      // "Bisht-Style Evening Abaya" is a DRAFT: Shopify returns it, the adapter drops it.
      "Girls' Mini Abaya",
    ]);

    const classic = page1.products[0];
    expect(classic).toMatchObject({
      id: productGid("classic-black-abaya"),
      handle: "classic-black-abaya",
      title: "Classic Black Abaya",
      imageUrl: "/demo-images/classic-black-abaya.svg",
      priceRange: {
        min: { amount: "349.00", currencyCode: "SAR" },
        max: { amount: "349.00", currencyCode: "SAR" },
      },
      availableForSale: true,
    });
    expect(classic.variants.map((v) => [v.title, v.sku, v.availableForSale, v.inventoryQuantity])).toEqual([
      ["52", "ABY-CLS-BLK-52", true, 5],
      ["54", "ABY-CLS-BLK-54", false, 0],
      ["56", "ABY-CLS-BLK-56", true, 8],
      ["58", "ABY-CLS-BLK-58", true, 3],
    ]);
    expect(classic.variants[0].price).toEqual({ amount: "349.00", currencyCode: "SAR" });
  });

  it("marks a product whose variants are all out of stock as unavailable", async () => {
    const page = await listCollectionProducts(client(), collectionGid("abayas"), { pageSize: 9 });
    const pearl = page.products.find((p) => p.handle === "pearl-cuff-abaya")!;
    expect(pearl.availableForSale).toBe(false);
    expect(pearl.variants.every((v) => !v.availableForSale)).toBe(true);
  });

  it("gives an empty page for an unknown collection, and sends nothing for a malformed id", async () => {
    expect(await listCollectionProducts(client(), "gid://shopify/Collection/1")).toEqual({
      products: [],
      nextCursor: null,
    });
    admin.clearRequests();
    expect(await listCollectionProducts(client(), "not-an-id")).toEqual({ products: [], nextCursor: null });
    expect(admin.requests).toHaveLength(0);
  });

  it("searches titles and tags case-insensitively, all words required, ACTIVE only", async () => {
    const abayas = await searchProducts(client(), "Do you have ABAYAS?");
    expect(abayas.products.map((p) => p.handle)).toEqual([
      "classic-black-abaya",
      "embroidered-navy-abaya",
      "open-front-kimono-abaya",
      "linen-summer-abaya",
      "pearl-cuff-abaya",
      "everyday-jersey-abaya",
      "girls-mini-abaya",
    ]);
    const black = await searchProducts(client(), "black abaya");
    expect(black.products.map((p) => p.handle)).toEqual([
      "classic-black-abaya",
      "pearl-cuff-abaya",
      "everyday-jersey-abaya",
      "girls-mini-abaya",
    ]);
    const oud = await searchProducts(client(), "OUD", { first: 2 });
    expect(oud.products.map((p) => p.handle)).toEqual(["royal-oud-oil", "bakhoor-al-arab"]);
    expect(oud.nextCursor).not.toBeNull();
    const more = await searchProducts(client(), "OUD", { first: 2, after: oud.nextCursor });
    expect(more.products.map((p) => p.handle)).toEqual(["cambodian-oud-chips"]);
    expect(more.nextCursor).toBeNull();
  });

  it("does not let shopper text inject search syntax", async () => {
    const injected = await searchProducts(client(), 'bisht" OR status:draft OR title:*');
    // Only the words survive; the DRAFT bisht abaya is never offered.
    expect(injected.products).toEqual([]);
    const sent = admin.requestsFor("HalaSearchProducts").at(-1)!;
    expect(sent.variables.query).toBe(
      "status:active AND (title:bisht* OR tag:bisht) AND (title:status* OR tag:status)" +
        " AND (title:draft* OR tag:draft) AND (title:title* OR tag:title)",
    );

    admin.clearRequests();
    expect(await searchProducts(client(), "?! :) ***")).toEqual({ products: [], nextCursor: null });
    expect(admin.requests).toHaveLength(0);
    expect((await searchProducts(client(), "عباية سوداء")).products).toEqual([]);
  });

  it("every search string the adapter builds parses as plain AND-ed title/tag terms (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 80 }), (text) => {
        const query = buildProductSearchQuery(text);
        if (query === null) return;
        const tree = parseSearchQuery(query);
        expect(tree.type).toBe("and");
        const [status, ...groups] = (tree as { children: ReturnType<typeof parseSearchQuery>[] }).children;
        expect(status).toMatchObject({ type: "term", field: "status", value: "active" });
        expect(groups.length).toBeGreaterThan(0);
        for (const group of groups) {
          expect(group.type).toBe("or");
          const fields = (group as { children: { type: string; field: string }[] }).children.map(
            (c) => `${c.type}:${c.field}`,
          );
          expect(fields).toEqual(["term:title", "term:tag"]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("gets one product with description, variants and price range; null when unknown", async () => {
    const oud = await getProduct(client(), productGid("royal-oud-oil"));
    expect(oud).toMatchObject({
      title: "Royal Oud Oil",
      descriptionHtml: expect.stringContaining("<strong>alcohol-free</strong>"),
      description: expect.stringContaining("Aged Cambodian oud oil, alcohol-free."),
      priceRange: {
        min: { amount: "180.00", currencyCode: "SAR" },
        max: { amount: "590.00", currencyCode: "SAR" },
      },
      availableForSale: true,
    });
    expect(oud!.description).not.toContain("<");
    expect(oud!.variants.map((v) => [v.title, v.price.amount])).toEqual([
      ["3 ml", "180.00"],
      ["6 ml", "320.00"],
      ["12 ml", "590.00"],
    ]);
    // A numeric id works too (webhooks and WhatsApp catalogs use them).
    expect((await getProduct(client(), productByHandle("royal-oud-oil").id))?.title).toBe("Royal Oud Oil");
    expect(await getProduct(client(), "gid://shopify/Product/42")).toBeNull();
    expect(await getProduct(client(), "gid://shopify/Collection/42")).toBeNull();
    // A DRAFT product can be read (an old cart may point at it) but cannot be bought.
    const draft = await getProduct(client(), productGid("bisht-style-evening-abaya"));
    expect(draft?.availableForSale).toBe(false);
    expect(draft?.variants.every((v) => !v.availableForSale)).toBe(true);
  });

  it("validates cart variants: found ones in order, with product, price and availability", async () => {
    const found = await getVariants(client(), [
      variantGid("classic-black-abaya", 1), // out of stock
      productByHandle("royal-oud-oil").variants[2].id, // numeric
      "gid://shopify/ProductVariant/1", // deleted
      variantGid("classic-black-abaya", 1), // duplicate
      productGid("royal-oud-oil"), // not a variant id
      variantGid("bisht-style-evening-abaya"), // draft product
    ]);
    expect(found.map((v) => [v.productTitle, v.title, v.price.amount, v.availableForSale])).toEqual([
      ["Classic Black Abaya", "54", "349.00", false],
      ["Royal Oud Oil", "12 ml", "590.00", true],
      ["Bisht-Style Evening Abaya", "56", "799.00", false],
    ]);
    expect(found[1]).toMatchObject({
      id: variantGid("royal-oud-oil", 2),
      productId: productGid("royal-oud-oil"),
      sku: "OUD-RYL-12ML",
      price: { currencyCode: "SAR" },
      imageUrl: "/demo-images/royal-oud-oil.svg",
    });
  });

  it("splits long variant lists into calls of at most 50 ids", async () => {
    const ids = demoProducts.flatMap((p) => p.variants.map((v) => `gid://shopify/ProductVariant/${v.id}`));
    expect(ids.length).toBeGreaterThan(50);
    const found = await getVariants(client(), ids);
    expect(found).toHaveLength(ids.length);
    const calls = admin.requestsFor("HalaVariantsByIds");
    expect(calls.length).toBe(Math.ceil(ids.length / 50));
    for (const call of calls) expect((call.variables.ids as string[]).length).toBeLessThanOrEqual(50);
  });

  it("resolves WhatsApp catalog retailer ids: variant id, GID, Facebook channel id, SKU", async () => {
    const modal = productByHandle("premium-modal-hijab");
    const matches = await findVariantsForRetailerIds(client(), [
      modal.variants[0].id,
      variantGid("premium-modal-hijab", 2),
      `shopify_SA_${modal.id}_${modal.variants[3].id}`,
      "hij-mdl-ivor", // SKU, any case
      "NO-SUCH-SKU",
      "123456",
    ]);
    expect(matches.map((m) => [m.retailerId, m.variant?.title ?? null])).toEqual([
      [modal.variants[0].id, "Black"],
      [variantGid("premium-modal-hijab", 2), "Mocha"],
      [`shopify_SA_${modal.id}_${modal.variants[3].id}`, "Sage"],
      ["hij-mdl-ivor", "Ivory"],
      ["NO-SUCH-SKU", null],
      ["123456", null],
    ]);
    expect(matches[3].variant?.availableForSale).toBe(false);
    const skuQuery = admin.requestsFor("HalaVariantsBySku")[0].variables.query;
    expect(skuQuery).toBe('sku:"hij-mdl-ivor" OR sku:"NO-SUCH-SKU" OR sku:"123456"');
  });

  it("reads the shop", async () => {
    expect(await getShopInfo(client())).toEqual({
      name: "Hala Demo Boutique",
      currencyCode: "SAR",
      myshopifyDomain: DEMO_SHOP_DOMAIN,
      primaryDomainUrl: `https://${DEMO_SHOP_DOMAIN}`,
    });
  });
});

describe("checkout", () => {
  it("creates a tagged draft order carrying the conversation id and returns its invoice URL", async () => {
    const checkout = await createDraftOrderCheckout(client(), {
      lines: [
        { variantId: variantGid("classic-black-abaya", 0), quantity: 1 },
        { variantId: variantGid("royal-oud-oil", 1), quantity: 2 },
        { variantId: variantGid("classic-black-abaya", 0), quantity: 1 },
      ],
      phone: SHOPPER,
      conversationId: "conv_123",
    });
    expect(checkout.invoiceUrl).toMatch(/^https:\/\/demo-hala\.myshopify\.com\/invoices\/[0-9a-f]{32}$/);
    expect(checkout.draftOrderId).toMatch(/^gid:\/\/shopify\/DraftOrder\/\d+$/);
    expect(checkout.total).toEqual({ amount: "1338.00", currencyCode: "SAR" }); // 2 × 349 + 2 × 320

    const [draft] = store.draftOrders;
    expect(draft.phone).toBe("+966501234567");
    expect(draft.tags).toEqual(["hala-whatsapp"]);
    expect(draft.customAttributes).toEqual([{ key: HALA_CONVERSATION_ATTRIBUTE, value: "conv_123" }]);
    expect(draft.note).toContain("conv_123");
    expect(draft.lineItems.map((l) => [l.sku, l.quantity])).toEqual([
      ["ABY-CLS-BLK-52", 2],
      ["OUD-RYL-6ML", 2],
    ]);
  });

  it("throws Shopify's userErrors, and never retries them", async () => {
    const attempt = createDraftOrderCheckout(client(), {
      lines: [{ variantId: "gid://shopify/ProductVariant/1", quantity: 1 }],
      phone: SHOPPER,
      conversationId: "conv_1",
      tag: "custom-tag",
    });
    await expect(attempt).rejects.toBeInstanceOf(ShopifyUserErrors);
    await expect(attempt).rejects.toThrow(
      /Product variant gid:\/\/shopify\/ProductVariant\/1 does not exist/,
    );
    expect(admin.requestsFor("HalaDraftOrderCreate")).toHaveLength(1);
    expect(store.draftOrders).toHaveLength(0);
  });

  it("leaves out a phone that is not a phone number instead of failing the checkout", async () => {
    await createDraftOrderCheckout(client(), {
      lines: [{ variantId: variantGid("musk-al-tahara"), quantity: 1 }],
      phone: "not a phone",
      conversationId: "conv_2",
    });
    expect(store.draftOrders[0].phone).toBeNull();
  });
});

describe("orders", () => {
  async function buy(
    phone: string,
    handle: string,
    options: Parameters<DemoShopifyStore["placeOrder"]>[1] = {},
  ) {
    const { draftOrderId } = await createDraftOrderCheckout(client(), {
      lines: [{ variantId: variantGid(handle), quantity: 1 }],
      phone,
      conversationId: `conv_${handle}`,
    });
    return store.placeOrder(draftOrderId, options);
  }

  it("finds the shopper's recent orders by WhatsApp number, newest first, with tracking", async () => {
    const first = await buy(SHOPPER, "ajwa-dates", { customer: { firstName: "Noura" } });
    await buy(OTHER_SHOPPER, "boys-thobe");
    const second = await buy(SHOPPER, "silk-shayla");
    store.fulfillOrder(first.id, {
      trackingUrl: "https://track.aramex.com/1234",
      trackingNumber: "1234",
      company: "Aramex",
    });

    const orders = await recentOrdersByPhone(client(), SHOPPER);
    expect(orders.map((o) => o.name)).toEqual([second.name, first.name]);
    expect(orders[1]).toMatchObject({
      id: `gid://shopify/Order/${first.id}`,
      financialStatus: "PAID",
      fulfillmentStatus: "FULFILLED",
      total: { amount: "85.00", currencyCode: "SAR" },
      trackingUrls: ["https://track.aramex.com/1234"],
      tracking: [{ url: "https://track.aramex.com/1234", number: "1234", company: "Aramex" }],
      statusUrl: expect.stringMatching(/^https:\/\/demo-hala\.myshopify\.com\/orders\//),
    });
    expect(orders[0]).toMatchObject({ fulfillmentStatus: "UNFULFILLED", trackingUrls: [] });
    expect(admin.requestsFor("HalaRecentOrdersByPhone")[0].variables).toEqual({
      query: "phone:+966501234567",
      first: 5,
    });

    expect((await recentOrdersByPhone(client(), `+${OTHER_SHOPPER}`)).map((o) => o.name)).toEqual(["#1002"]);
    expect(await recentOrdersByPhone(client(), "+447700900123")).toEqual([]);
    admin.clearRequests();
    expect(await recentOrdersByPhone(client(), "call me")).toEqual([]);
    expect(admin.requests).toHaveLength(0);
  });

  it("never shows another shopper's orders, even when Shopify ignores the phone filter", async () => {
    server.use(...createShopifyAdminHandlers(store, { schema, orderPhoneFilter: "ignored" }));
    const mine = await buy(SHOPPER, "ajwa-dates");
    for (const handle of [
      "boys-thobe",
      "kids-prayer-set",
      "finjan-cups-set",
      "brass-dallah",
      "bakhoor-al-arab",
    ]) {
      await buy(OTHER_SHOPPER, handle);
    }
    // The unfiltered orders query returns the 5 newest (all the other shopper's); the adapter drops them
    // and finds the shopper's order through the documented customers(phone:) filter.
    const orders = await recentOrdersByPhone(client(), SHOPPER);
    expect(orders.map((o) => o.name)).toEqual([mine.name]);
  });

  it("matches a national-format shipping phone, and only the exact number", async () => {
    server.use(...createShopifyAdminHandlers(store, { schema, orderPhoneFilter: "ignored" }));
    const mine = await buy(SHOPPER, "ajwa-dates", { phone: null, shippingPhone: "050 123 4567" });
    await buy(SHOPPER, "boys-thobe", { phone: null, shippingPhone: "050 123 4568" });
    await buy(SHOPPER, "brass-dallah", { phone: null, shippingPhone: "01234567" });
    const orders = await recentOrdersByPhone(client(), SHOPPER);
    expect(orders.map((o) => o.name)).toEqual([mine.name]);
  });

  it("gets one order with the customer's first name and the attributing conversation", async () => {
    const placed = await buy(SHOPPER, "ajwa-dates", { customer: { firstName: "Noura", locale: "ar" } });
    const order = await getOrder(client(), `gid://shopify/Order/${placed.id}`);
    expect(order).toMatchObject({
      name: "#1001",
      phone: "+966501234567",
      customerFirstName: "Noura",
      customerLocale: "ar",
      conversationId: "conv_ajwa-dates",
      total: { amount: "85.00", currencyCode: "SAR" },
    });
    expect((await getOrder(client(), placed.id))?.name).toBe("#1001");
    expect(await getOrder(client(), "gid://shopify/Order/1")).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// (c) Throttling, outages, auth
// ---------------------------------------------------------------------------------------------

describe("admin client resilience", () => {
  it("retries THROTTLED twice, waiting for the bucket to refill, then returns one result", async () => {
    admin.failNext("HalaShopInfo", "THROTTLED", 2);
    const shop = await getShopInfo(client());
    expect(shop.name).toBe("Hala Demo Boutique");
    expect(admin.requestsFor("HalaShopInfo").map((r) => r.outcome)).toEqual(["THROTTLED", "THROTTLED", 200]);
    expect(sleeps).toHaveLength(2);
    // The mock reports requestedQueryCost 52 with 2 available at 100/s: at least 500 ms.
    for (const ms of sleeps) expect(ms).toBeGreaterThanOrEqual(500);
  });

  it("gives up on endless throttling with a ShopifyAdminError of kind 'throttled'", async () => {
    admin.failNext("*", "THROTTLED", Infinity);
    const error = await getShopInfo(client({ maxAttempts: 3 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyAdminError);
    expect(error).toMatchObject({
      kind: "throttled",
      code: "THROTTLED",
      attempts: 3,
      operationName: "HalaShopInfo",
    });
    expect(admin.requests).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it("fails a 401 at once with kind 'auth'", async () => {
    server.use(...createShopifyAdminHandlers(store, { schema, accessToken: "shpat_right" }));
    const error = await getShopInfo(client({ accessToken: "shpat_wrong" })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyAdminError);
    expect(error).toMatchObject({ kind: "auth", status: 401, attempts: 1 });
    expect((error as ShopifyAdminError).errors[0].message).toContain("Invalid API key or access token");
    expect(sleeps).toEqual([]);
  });

  it("does not retry a 403 either", async () => {
    admin.failNext("HalaShopInfo", 403, Infinity);
    await expect(getShopInfo(client())).rejects.toMatchObject({ kind: "auth", status: 403, attempts: 1 });
    expect(admin.requests).toHaveLength(1);
  });

  it("retries 5xx (honouring Retry-After), 429 and network failures", async () => {
    admin.failNext("HalaShopInfo", 503, 1);
    admin.failNext("HalaShopInfo", 429, 1);
    admin.failNext("HalaShopInfo", "NETWORK", 1);
    expect((await getShopInfo(client())).currencyCode).toBe("SAR");
    expect(admin.requestsFor("HalaShopInfo").map((r) => r.outcome)).toEqual([503, 429, "NETWORK", 200]);
    expect(sleeps[0]).toBeGreaterThanOrEqual(2000); // Retry-After: 2
    expect(sleeps[1]).toBeGreaterThanOrEqual(1000); // Retry-After: 1.0
  });

  it("reports a lasting outage as kind 'unavailable'", async () => {
    admin.failNext("*", 500, Infinity);
    await expect(getShopInfo(client())).rejects.toMatchObject({
      kind: "unavailable",
      status: 500,
      attempts: 4,
    });
  });

  it("does not retry an invalid query (kind 'graphql')", async () => {
    const error = await client()
      .request("#graphql\n query HalaShopInfo { shop { nameThatDoesNotExist } }")
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "graphql", attempts: 1 });
    expect((error as Error).message).toContain("nameThatDoesNotExist");
  });
});

// ---------------------------------------------------------------------------------------------
// The demo store and the mock themselves (reused by `npm run demo`)
// ---------------------------------------------------------------------------------------------

describe("demo store and Admin mock", () => {
  it("has a realistic catalog: ≥ 30 products in ≥ 5 collections, SAR, unique SKUs, some stock-outs", () => {
    expect(demoProducts.length).toBeGreaterThanOrEqual(30);
    const used = new Set(demoProducts.flatMap((p) => p.collections));
    expect(demoCollections.filter((c) => c.published && used.has(c.handle)).length).toBeGreaterThanOrEqual(5);
    const skus = demoProducts.flatMap((p) => p.variants.map((v) => v.sku));
    expect(new Set(skus).size).toBe(skus.length);
    expect(demoProducts.every((p) => p.imagePath === `/demo-images/${p.handle}.svg`)).toBe(true);
    expect(demoProducts.some((p) => p.variants.every((v) => v.inventory === 0))).toBe(true);
    expect(
      demoProducts.some(
        (p) => p.variants.some((v) => v.inventory === 0) && p.variants.some((v) => v.inventory !== 0),
      ),
    ).toBe(true);
    for (const p of demoProducts)
      for (const c of p.collections) expect(demoCollections.map((x) => x.handle)).toContain(c);
  });

  it("takes stock when an order is placed, refuses a second completion, and resets", async () => {
    const variant = variantGid("majlis-floor-cushion"); // 1 in stock
    const { draftOrderId } = await createDraftOrderCheckout(client(), {
      lines: [{ variantId: variant, quantity: 1 }],
      phone: SHOPPER,
      conversationId: "c",
    });
    store.placeOrder(draftOrderId);
    expect(() => store.placeOrder(draftOrderId)).toThrow(/already completed/);
    expect((await getVariants(client(), [variant]))[0].availableForSale).toBe(false);
    await expect(
      createDraftOrderCheckout(client(), {
        lines: [{ variantId: variant, quantity: 1 }],
        conversationId: "c",
      }),
    ).rejects.toThrow(/Majlis Floor Cushion - Default Title is not available/);

    store.reset();
    expect(store.orders).toEqual([]);
    expect(store.draftOrders).toEqual([]);
    expect((await getVariants(client(), [variant]))[0].availableForSale).toBe(true);
  });

  it("answers any other Admin operation over the same store with catchAll", async () => {
    server.use(...createShopifyAdminHandlers(store, { schema, catchAll: true }));
    const data = await client().request<{
      shop: { ianaTimezone: string };
      products: { nodes: { title: string }[] };
    }>(
      `#graphql
      query SomebodyElses { shop { ianaTimezone } products(first: 1, query: "tag:dallah") { nodes { title } } }`,
    );
    expect(data).toEqual({
      shop: { ianaTimezone: "Asia/Riyadh" },
      products: { nodes: [{ title: "Brass Dallah Coffee Pot" }] },
    });
  });

  it("enforces Shopify's connection rules", async () => {
    const tooMany = await client()
      .request(`#graphql\n query HalaListCollections { collections(first: 251) { nodes { id } } }`)
      .catch((e: unknown) => e);
    expect(tooMany).toMatchObject({ kind: "graphql" });
    expect((tooMany as Error).message).toMatch(/maximum page size is 250/);
    const unbounded = await client()
      .request(`#graphql\n query HalaListCollections { collections { nodes { id } } }`)
      .catch((e: unknown) => e);
    expect((unbounded as Error).message).toMatch(/must provide one of first or last/);
  });
});
