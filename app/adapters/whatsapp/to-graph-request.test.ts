import { describe, expect, it } from "vitest";
import type { ListRow, OutboundMessage, ReplyButton } from "~/domain/types";
import { ELLIPSIS, LIMITS, WhatsAppLimitError, charLength } from "./limits";
import {
  chunkText,
  markAsReadRequest,
  splitList,
  toGraphRequest,
  type GraphMessageRequest,
} from "./to-graph-request";

const TO = "971501234567";
const envelope = { messaging_product: "whatsapp", recipient_type: "individual", to: TO } as const;

function interactiveOf(request: GraphMessageRequest) {
  if (request.type !== "interactive") throw new Error(`expected interactive, got ${request.type}`);
  return request.interactive;
}

/** Runs `build` and returns the WhatsAppLimitError it throws. */
function limitError(build: () => unknown): WhatsAppLimitError {
  try {
    build();
  } catch (error) {
    if (error instanceof WhatsAppLimitError) return error;
    throw error;
  }
  throw new Error("expected a WhatsAppLimitError");
}

const long = (n: number, unit = "x") => unit.repeat(n);
const rows = (n: number): ListRow[] =>
  Array.from({ length: n }, (_, i) => ({ id: `row-${i}`, title: `Row ${i}` }));

describe("text", () => {
  it("builds a text message", () => {
    expect(toGraphRequest({ kind: "text", body: "Hello 👋" }, TO)).toEqual({
      ...envelope,
      type: "text",
      text: { body: "Hello 👋", preview_url: false },
    });
    expect(toGraphRequest({ kind: "text", body: "https://hala.example", previewUrl: true }, TO)).toEqual({
      ...envelope,
      type: "text",
      text: { body: "https://hala.example", preview_url: true },
    });
  });

  it("truncates the body at 4096 characters", () => {
    const request = toGraphRequest({ kind: "text", body: long(5000) }, TO);
    if (request.type !== "text") throw new Error("expected text");
    expect(charLength(request.text.body)).toBe(LIMITS.textBody);
    expect(request.text.body.endsWith(ELLIPSIS)).toBe(true);
    expect(toGraphRequest({ kind: "text", body: long(4096) }, TO)).toMatchObject({
      text: { body: long(4096) },
    });
  });

  it("counts emoji as one character each", () => {
    const body = long(4096, "😀");
    expect(toGraphRequest({ kind: "text", body }, TO)).toMatchObject({ text: { body } });
  });

  it("rejects an empty body and an empty recipient", () => {
    expect(limitError(() => toGraphRequest({ kind: "text", body: "  " }, TO))).toMatchObject({
      field: "body",
      problem: "empty",
    });
    expect(limitError(() => toGraphRequest({ kind: "text", body: "hi" }, ""))).toMatchObject({ field: "to" });
  });

  it("adds a quoted message and callback data when asked", () => {
    expect(
      toGraphRequest({ kind: "text", body: "Yes!" }, TO, {
        replyToWamid: "wamid.IN",
        bizOpaqueCallbackData: "msg_42",
      }),
    ).toEqual({
      ...envelope,
      context: { message_id: "wamid.IN" },
      biz_opaque_callback_data: "msg_42",
      type: "text",
      text: { body: "Yes!", preview_url: false },
    });
    expect(
      limitError(() => toGraphRequest({ kind: "text", body: "x" }, TO, { bizOpaqueCallbackData: long(513) })),
    ).toMatchObject({ field: "bizOpaqueCallbackData", problem: "too_long", limit: 512, actual: 513 });
  });
});

describe("reply buttons", () => {
  const buttons: ReplyButton[] = [
    { id: "menu", title: "Menu" },
    { id: "cart", title: "🛒 Cart" },
    { id: "help", title: "مساعدة" },
  ];

  it("builds an interactive button message", () => {
    expect(
      toGraphRequest(
        { kind: "buttons", header: "Hala Store", body: "What next?", footer: "Reply any time", buttons },
        TO,
      ),
    ).toEqual({
      ...envelope,
      type: "interactive",
      interactive: {
        type: "button",
        header: { type: "text", text: "Hala Store" },
        body: { text: "What next?" },
        footer: { text: "Reply any time" },
        action: {
          buttons: [
            { type: "reply", reply: { id: "menu", title: "Menu" } },
            { type: "reply", reply: { id: "cart", title: "🛒 Cart" } },
            { type: "reply", reply: { id: "help", title: "مساعدة" } },
          ],
        },
      },
    });
  });

  it("omits blank header and footer", () => {
    const interactive = interactiveOf(
      toGraphRequest({ kind: "buttons", body: "Hi", header: " ", footer: "", buttons }, TO),
    );
    expect(interactive).not.toHaveProperty("header");
    expect(interactive).not.toHaveProperty("footer");
  });

  it("truncates titles to 20, body to 1024, header and footer to 60", () => {
    const interactive = interactiveOf(
      toGraphRequest(
        {
          kind: "buttons",
          header: long(61),
          body: long(1025),
          footer: long(70),
          buttons: [{ id: "a", title: "Add to cart and checkout now" }],
        },
        TO,
      ),
    );
    if (interactive.type !== "button") throw new Error("expected buttons");
    expect(interactive.action.buttons[0].reply.title).toBe("Add to cart and che…");
    expect(charLength(interactive.body.text)).toBe(1024);
    expect(charLength(interactive.header?.text ?? "")).toBe(60);
    expect(charLength(interactive.footer?.text ?? "")).toBe(60);
  });

  it("truncates Arabic and emoji titles without splitting characters", () => {
    const interactive = interactiveOf(
      toGraphRequest(
        {
          kind: "buttons",
          body: "اختر",
          buttons: [
            { id: "ar", title: "إضافة إلى السلة والدفع الآن" },
            { id: "emoji", title: "🎁".repeat(25) },
          ],
        },
        TO,
      ),
    );
    if (interactive.type !== "button") throw new Error("expected buttons");
    const [arabic, emoji] = interactive.action.buttons.map((b) => b.reply.title);
    expect(charLength(arabic)).toBeLessThanOrEqual(20);
    expect(arabic).toBe("إضافة إلى السلة وال…");
    expect(emoji).toBe("🎁".repeat(19) + ELLIPSIS);
  });

  it("rejects no buttons and more than 3", () => {
    expect(limitError(() => toGraphRequest({ kind: "buttons", body: "Hi", buttons: [] }, TO))).toMatchObject({
      field: "buttons",
      problem: "too_few",
    });
    const error = limitError(() =>
      toGraphRequest({ kind: "buttons", body: "Hi", buttons: [...buttons, { id: "x", title: "X" }] }, TO),
    );
    expect(error).toMatchObject({ field: "buttons", problem: "too_many", limit: 3, actual: 4 });
    expect(error.message).toMatch(/list message/);
  });

  it("rejects duplicate ids, and titles that are the same once truncated", () => {
    expect(
      limitError(() =>
        toGraphRequest(
          { kind: "buttons", body: "Hi", buttons: [buttons[0], { id: "menu", title: "Other" }] },
          TO,
        ),
      ),
    ).toMatchObject({ field: "buttons[1].id", problem: "duplicate" });
    expect(
      limitError(() =>
        toGraphRequest(
          {
            kind: "buttons",
            body: "Hi",
            buttons: [
              { id: "a", title: "Medium, long sleeves, blue" },
              { id: "b", title: "Medium, long sleeves, green" },
            ],
          },
          TO,
        ),
      ),
    ).toMatchObject({ field: "buttons[1].title", problem: "duplicate" });
  });

  it("accepts ids up to 256 characters and rejects longer, blank or padded ones", () => {
    const ok = interactiveOf(
      toGraphRequest({ kind: "buttons", body: "Hi", buttons: [{ id: long(256), title: "A" }] }, TO),
    );
    expect(ok).toMatchObject({ action: { buttons: [{ reply: { id: long(256) } }] } });
    expect(
      limitError(() =>
        toGraphRequest({ kind: "buttons", body: "Hi", buttons: [{ id: long(257), title: "A" }] }, TO),
      ),
    ).toMatchObject({ field: "buttons[0].id", problem: "too_long", limit: 256, actual: 257 });
    expect(
      limitError(() =>
        toGraphRequest({ kind: "buttons", body: "Hi", buttons: [{ id: "", title: "A" }] }, TO),
      ),
    ).toMatchObject({ field: "buttons[0].id", problem: "empty" });
    expect(
      limitError(() =>
        toGraphRequest({ kind: "buttons", body: "Hi", buttons: [{ id: " a", title: "A" }] }, TO),
      ),
    ).toMatchObject({ field: "buttons[0].id", problem: "invalid" });
  });

  it("rejects blank titles and a blank body", () => {
    expect(
      limitError(() =>
        toGraphRequest({ kind: "buttons", body: "Hi", buttons: [{ id: "a", title: " " }] }, TO),
      ),
    ).toMatchObject({ field: "buttons[0].title", problem: "empty" });
    expect(limitError(() => toGraphRequest({ kind: "buttons", body: "", buttons }, TO))).toMatchObject({
      field: "body",
      problem: "empty",
    });
  });
});

describe("list", () => {
  const list = (overrides: Partial<Extract<OutboundMessage, { kind: "list" }>> = {}): OutboundMessage => ({
    kind: "list",
    body: "Pick a collection",
    buttonText: "Collections",
    sections: [{ rows: rows(2) }],
    ...overrides,
  });

  it("builds an interactive list message", () => {
    expect(
      toGraphRequest(
        list({
          header: "Catalog",
          footer: "Page 1",
          sections: [
            { title: "Women", rows: [{ id: "c1", title: "Dresses", description: "Summer 2026" }] },
            { title: "Men", rows: [{ id: "c2", title: "Shirts" }] },
          ],
        }),
        TO,
      ),
    ).toEqual({
      ...envelope,
      type: "interactive",
      interactive: {
        type: "list",
        header: { type: "text", text: "Catalog" },
        body: { text: "Pick a collection" },
        footer: { text: "Page 1" },
        action: {
          button: "Collections",
          sections: [
            { title: "Women", rows: [{ id: "c1", title: "Dresses", description: "Summer 2026" }] },
            { title: "Men", rows: [{ id: "c2", title: "Shirts" }] },
          ],
        },
      },
    });
  });

  it("allows a single untitled section", () => {
    const interactive = interactiveOf(toGraphRequest(list(), TO));
    expect(interactive).toMatchObject({ action: { sections: [{ rows: rows(2) }] } });
    if (interactive.type !== "list") throw new Error("expected list");
    expect(interactive.action.sections[0]).not.toHaveProperty("title");
  });

  it("allows 10 rows in total and rejects 11, pointing to splitList", () => {
    expect(() => toGraphRequest(list({ sections: [{ rows: rows(10) }] }), TO)).not.toThrow();
    expect(() =>
      toGraphRequest(
        list({
          sections: [
            { title: "A", rows: rows(5) },
            { title: "B", rows: rows(5) },
          ],
        }),
        TO,
      ),
    ).toThrow(WhatsAppLimitError); // duplicate ids across sections
    const error = limitError(() =>
      toGraphRequest(
        list({
          sections: [
            { title: "A", rows: rows(6) },
            { title: "B", rows: rows(5).map((r) => ({ ...r, id: `b-${r.id}` })) },
          ],
        }),
        TO,
      ),
    );
    expect(error).toMatchObject({ field: "sections", problem: "too_many", limit: 10, actual: 11 });
    expect(error.message).toMatch(/splitList/);
  });

  it("rejects row ids repeated across sections", () => {
    expect(
      limitError(() =>
        toGraphRequest(
          list({
            sections: [
              { title: "A", rows: rows(1) },
              { title: "B", rows: rows(1) },
            ],
          }),
          TO,
        ),
      ),
    ).toMatchObject({ field: "sections[1].rows[0].id", problem: "duplicate" });
  });

  it("rejects more than 10 sections, no sections, and empty sections", () => {
    const sections = Array.from({ length: 11 }, (_, i) => ({
      title: `S${i}`,
      rows: [{ id: `r${i}`, title: "R" }],
    }));
    expect(limitError(() => toGraphRequest(list({ sections }), TO))).toMatchObject({
      field: "sections",
      problem: "too_many",
      limit: 10,
    });
    expect(limitError(() => toGraphRequest(list({ sections: [] }), TO))).toMatchObject({
      problem: "too_few",
    });
    expect(limitError(() => toGraphRequest(list({ sections: [{ rows: [] }] }), TO))).toMatchObject({
      field: "sections[0].rows",
      problem: "too_few",
    });
  });

  it("requires section titles when there are several sections", () => {
    expect(
      limitError(() =>
        toGraphRequest(
          list({ sections: [{ title: "A", rows: [{ id: "a", title: "A" }] }, { rows: rows(1) }] }),
          TO,
        ),
      ),
    ).toMatchObject({ field: "sections[1].title", problem: "empty" });
  });

  it("truncates row title 24, description 72, section title 24, button 20, body 1024, header/footer 60", () => {
    const interactive = interactiveOf(
      toGraphRequest(
        list({
          header: long(100),
          body: long(2000),
          footer: long(100),
          buttonText: "See all our collections",
          sections: [
            {
              title: "Our newest summer collections",
              rows: [{ id: "r", title: "Linen shirts in every colour", description: long(80, "d") }],
            },
          ],
        }),
        TO,
      ),
    );
    if (interactive.type !== "list") throw new Error("expected list");
    const section = interactive.action.sections[0];
    expect(section.title).toBe("Our newest summer colle…");
    expect(section.rows[0].title).toBe("Linen shirts in every c…");
    expect(section.rows[0].description).toBe(long(71, "d") + ELLIPSIS);
    expect(interactive.action.button).toBe("See all our collect…");
    expect(charLength(interactive.body.text)).toBe(1024);
    expect(charLength(interactive.header?.text ?? "")).toBe(60);
    expect(charLength(interactive.footer?.text ?? "")).toBe(60);
  });

  it("truncates Arabic rows by characters", () => {
    const interactive = interactiveOf(
      toGraphRequest(
        list({
          buttonText: "المجموعات",
          sections: [
            {
              rows: [
                {
                  id: "ar",
                  title: "قمصان كتان بجميع الألوان المتوفرة",
                  description: "وصف طويل جدا ".repeat(10).trim(),
                },
              ],
            },
          ],
        }),
        TO,
      ),
    );
    if (interactive.type !== "list") throw new Error("expected list");
    const row = interactive.action.sections[0].rows[0];
    expect(row.title).toBe("قمصان كتان بجميع الألوا…");
    expect(charLength(row.title)).toBe(24);
    expect(charLength(row.description ?? "")).toBeLessThanOrEqual(72);
    expect(row.description?.endsWith(ELLIPSIS)).toBe(true);
  });

  it("accepts row ids up to 200 characters only", () => {
    expect(() =>
      toGraphRequest(list({ sections: [{ rows: [{ id: long(200), title: "A" }] }] }), TO),
    ).not.toThrow();
    expect(
      limitError(() => toGraphRequest(list({ sections: [{ rows: [{ id: long(201), title: "A" }] }] }), TO)),
    ).toMatchObject({ field: "sections[0].rows[0].id", problem: "too_long", limit: 200 });
  });

  it("rejects a blank list button", () => {
    expect(limitError(() => toGraphRequest(list({ buttonText: "" }), TO))).toMatchObject({
      field: "buttonText",
    });
  });

  it("builds every page that splitList makes", () => {
    const pages = splitList(rows(25), { moreRowId: (page) => `more:${page}`, moreTitle: "More" });
    expect(pages).toHaveLength(3);
    for (const page of pages)
      expect(() => toGraphRequest(list({ sections: [{ rows: page }] }), TO)).not.toThrow();
  });
});

describe("image", () => {
  it("sends an uploaded media id with a caption", () => {
    expect(toGraphRequest({ kind: "image", mediaId: "123", caption: "Blue dress" }, TO)).toEqual({
      ...envelope,
      type: "image",
      image: { id: "123", caption: "Blue dress" },
    });
  });

  it("sends a link, and prefers the media id when both are given", () => {
    expect(toGraphRequest({ kind: "image", link: "https://cdn.shopify.com/a.jpg" }, TO)).toEqual({
      ...envelope,
      type: "image",
      image: { link: "https://cdn.shopify.com/a.jpg" },
    });
    expect(
      toGraphRequest({ kind: "image", link: "https://cdn.shopify.com/a.jpg", mediaId: "9" }, TO),
    ).toMatchObject({
      image: { id: "9" },
    });
  });

  it("truncates the caption at 1024", () => {
    const request = toGraphRequest({ kind: "image", mediaId: "1", caption: long(1100, "ع") }, TO);
    if (request.type !== "image") throw new Error("expected image");
    expect(charLength(request.image.caption ?? "")).toBe(1024);
  });

  it("rejects an image without a source or with a non-http link", () => {
    expect(limitError(() => toGraphRequest({ kind: "image" }, TO))).toMatchObject({
      field: "image",
      problem: "empty",
    });
    expect(limitError(() => toGraphRequest({ kind: "image", link: "ftp://x/a.jpg" }, TO))).toMatchObject({
      field: "link",
      problem: "invalid",
    });
  });
});

describe("cta_url", () => {
  it("builds a call-to-action URL button", () => {
    expect(
      toGraphRequest(
        {
          kind: "cta_url",
          header: "Your cart",
          body: "Complete your order securely.",
          footer: "Hala",
          displayText: "Checkout",
          url: "https://demo-hala.myshopify.com/checkouts/abc",
        },
        TO,
      ),
    ).toEqual({
      ...envelope,
      type: "interactive",
      interactive: {
        type: "cta_url",
        header: { type: "text", text: "Your cart" },
        body: { text: "Complete your order securely." },
        footer: { text: "Hala" },
        action: {
          name: "cta_url",
          parameters: { display_text: "Checkout", url: "https://demo-hala.myshopify.com/checkouts/abc" },
        },
      },
    });
  });

  it("truncates the display text at 20 and rejects a bad URL", () => {
    const interactive = interactiveOf(
      toGraphRequest(
        { kind: "cta_url", body: "Pay", displayText: "إتمام الطلب والدفع الآن", url: "https://x.test" },
        TO,
      ),
    );
    expect(interactive).toMatchObject({ action: { parameters: { display_text: "إتمام الطلب والدفع…" } } });
    expect(
      limitError(() =>
        toGraphRequest({ kind: "cta_url", body: "Pay", displayText: "Pay", url: "not a url" }, TO),
      ),
    ).toMatchObject({ field: "url", problem: "invalid" });
    expect(
      limitError(() =>
        toGraphRequest({ kind: "cta_url", body: "Pay", displayText: "Pay", url: "javascript:alert(1)" }, TO),
      ),
    ).toMatchObject({ field: "url", problem: "invalid" });
  });
});

describe("template", () => {
  it("builds a template with positional, named, currency, date, image and button parameters", () => {
    expect(
      toGraphRequest(
        {
          kind: "template",
          name: "order_shipped",
          language: "ar",
          components: [
            { type: "header", parameters: [{ type: "image", link: "https://cdn.example/box.jpg" }] },
            {
              type: "body",
              parameters: [
                { type: "text", text: "ليلى", parameterName: "first_name" },
                { type: "currency", fallbackValue: "AED 120.50", code: "AED", amount1000: 120500 },
                { type: "date_time", fallbackValue: "12 June 2026" },
                { type: "text", text: "#1001" },
              ],
            },
            {
              type: "button",
              subType: "quick_reply",
              index: 0,
              parameters: [{ type: "payload", payload: "feedback:5" }],
            },
            { type: "button", subType: "url", index: 1, parameters: [{ type: "text", text: "orders/1001" }] },
          ],
        },
        TO,
      ),
    ).toEqual({
      ...envelope,
      type: "template",
      template: {
        name: "order_shipped",
        language: { code: "ar" },
        components: [
          { type: "header", parameters: [{ type: "image", image: { link: "https://cdn.example/box.jpg" } }] },
          {
            type: "body",
            parameters: [
              { type: "text", parameter_name: "first_name", text: "ليلى" },
              {
                type: "currency",
                currency: { fallback_value: "AED 120.50", code: "AED", amount_1000: 120500 },
              },
              { type: "date_time", date_time: { fallback_value: "12 June 2026" } },
              { type: "text", text: "#1001" },
            ],
          },
          {
            type: "button",
            sub_type: "quick_reply",
            index: "0",
            parameters: [{ type: "payload", payload: "feedback:5" }],
          },
          {
            type: "button",
            sub_type: "url",
            index: "1",
            parameters: [{ type: "text", text: "orders/1001" }],
          },
        ],
      },
    });
  });

  it("omits components when there are none", () => {
    expect(
      toGraphRequest({ kind: "template", name: "hello_world", language: "en_US", components: [] }, TO),
    ).toEqual({
      ...envelope,
      type: "template",
      template: { name: "hello_world", language: { code: "en_US" } },
    });
  });

  it("does not truncate template parameters", () => {
    const text = long(2000);
    expect(
      toGraphRequest(
        {
          kind: "template",
          name: "t",
          language: "en",
          components: [{ type: "body", parameters: [{ type: "text", text }] }],
        },
        TO,
      ),
    ).toMatchObject({ template: { components: [{ parameters: [{ text }] }] } });
  });

  it("rejects a button component without subType or index, and a blank name or language", () => {
    const template = (
      components: Extract<OutboundMessage, { kind: "template" }>["components"],
    ): OutboundMessage => ({
      kind: "template",
      name: "t",
      language: "en",
      components,
    });
    expect(
      limitError(() => toGraphRequest(template([{ type: "button", index: 0, parameters: [] }]), TO)),
    ).toMatchObject({
      field: "components[0].subType",
    });
    expect(
      limitError(() => toGraphRequest(template([{ type: "button", subType: "url", parameters: [] }]), TO)),
    ).toMatchObject({ field: "components[0].index" });
    expect(
      limitError(() => toGraphRequest({ kind: "template", name: "", language: "en", components: [] }, TO)),
    ).toMatchObject({ field: "name" });
    expect(
      limitError(() => toGraphRequest({ kind: "template", name: "t", language: " ", components: [] }, TO)),
    ).toMatchObject({ field: "language" });
  });
});

describe("product and product_list", () => {
  it("builds a single product message", () => {
    expect(
      toGraphRequest(
        {
          kind: "product",
          catalogId: "cat",
          productRetailerId: "sku-1",
          body: "Back in stock",
          footer: "Hala",
        },
        TO,
      ),
    ).toEqual({
      ...envelope,
      type: "interactive",
      interactive: {
        type: "product",
        body: { text: "Back in stock" },
        footer: { text: "Hala" },
        action: { catalog_id: "cat", product_retailer_id: "sku-1" },
      },
    });
    expect(
      interactiveOf(toGraphRequest({ kind: "product", catalogId: "cat", productRetailerId: "sku-1" }, TO)),
    ).toEqual({
      type: "product",
      action: { catalog_id: "cat", product_retailer_id: "sku-1" },
    });
  });

  it("builds a multi-product message", () => {
    expect(
      toGraphRequest(
        {
          kind: "product_list",
          catalogId: "cat",
          header: "New arrivals",
          body: "Tap to browse",
          footer: "Free delivery",
          sections: [
            { title: "Dresses", productRetailerIds: ["d1", "d2"] },
            { title: "Bags", productRetailerIds: ["b1"] },
          ],
        },
        TO,
      ),
    ).toEqual({
      ...envelope,
      type: "interactive",
      interactive: {
        type: "product_list",
        header: { type: "text", text: "New arrivals" },
        body: { text: "Tap to browse" },
        footer: { text: "Free delivery" },
        action: {
          catalog_id: "cat",
          sections: [
            {
              title: "Dresses",
              product_items: [{ product_retailer_id: "d1" }, { product_retailer_id: "d2" }],
            },
            { title: "Bags", product_items: [{ product_retailer_id: "b1" }] },
          ],
        },
      },
    });
  });

  it("enforces 30 products, 10 sections, a header and a catalog", () => {
    const base = { kind: "product_list", catalogId: "cat", header: "H", body: "B" } as const;
    const ids = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
    expect(() =>
      toGraphRequest({ ...base, sections: [{ title: "A", productRetailerIds: ids(30, "a") }] }, TO),
    ).not.toThrow();
    expect(
      limitError(() =>
        toGraphRequest({ ...base, sections: [{ title: "A", productRetailerIds: ids(31, "a") }] }, TO),
      ),
    ).toMatchObject({ field: "sections", problem: "too_many", limit: 30, actual: 31 });
    const sections = Array.from({ length: 11 }, (_, i) => ({
      title: `S${i}`,
      productRetailerIds: [`p${i}`],
    }));
    expect(limitError(() => toGraphRequest({ ...base, sections }, TO))).toMatchObject({
      problem: "too_many",
      limit: 10,
    });
    expect(
      limitError(() =>
        toGraphRequest({ ...base, header: "", sections: [{ title: "A", productRetailerIds: ["a"] }] }, TO),
      ),
    ).toMatchObject({ field: "header" });
    expect(
      limitError(() =>
        toGraphRequest({ ...base, catalogId: "", sections: [{ title: "A", productRetailerIds: ["a"] }] }, TO),
      ),
    ).toMatchObject({ field: "catalogId" });
    expect(
      limitError(() => toGraphRequest({ ...base, sections: [{ title: "A", productRetailerIds: [] }] }, TO)),
    ).toMatchObject({ problem: "too_few" });
  });
});

describe("markAsReadRequest", () => {
  it("marks a message as read", () => {
    expect(markAsReadRequest("wamid.IN")).toEqual({
      messaging_product: "whatsapp",
      status: "read",
      message_id: "wamid.IN",
    });
  });

  it("shows the typing indicator when asked", () => {
    expect(markAsReadRequest("wamid.IN", { typing: true })).toEqual({
      messaging_product: "whatsapp",
      status: "read",
      message_id: "wamid.IN",
      typing_indicator: { type: "text" },
    });
  });

  it("rejects an empty wamid", () => {
    expect(() => markAsReadRequest("")).toThrow(WhatsAppLimitError);
  });
});

describe("re-exports", () => {
  it("offers chunkText and splitList from here too", () => {
    expect(chunkText("a b", 1)).toEqual(["a", "b"]);
    expect(splitList([], { moreRowId: "m", moreTitle: "More" })).toEqual([]);
  });
});
