/**
 * msw handlers that play the Shopify Admin GraphQL API (version `ADMIN_API_VERSION`) for one demo store.
 *
 * Requests are not answered with canned JSON: each one is validated against the real Admin schema and
 * executed with graphql-js over `DemoShopifyStore`, so responses have exactly the shape the operation asked
 * for, variables are type-checked, enums and non-null rules hold, and a field that does not exist in the
 * schema fails here as it would at Shopify. Stateful: `draftOrderCreate` stores drafts, orders placed with
 * `store.placeOrder()` are found by `orders(query: "phone:…")`, search matches titles and tags.
 *
 *   const store = new DemoShopifyStore();
 *   const admin = createShopifyAdminHandlers(store);   // an array of handlers, plus controls
 *   server.use(...admin);
 *   admin.failNext("HalaSearchProducts", "THROTTLED", 2);
 *
 * Shopify quirks reproduced: connections need `first` or `last` (≤ 250); unknown search fields are ignored
 * (optionally even `phone:` on orders, see `orderPhoneFilter`); 401 with Shopify's body for a missing or
 * wrong token; THROTTLED errors with `extensions.cost.throttleStatus`.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import {
  buildClientSchema,
  execute,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type IntrospectionQuery,
} from "graphql";
import { HttpResponse, type RequestHandler } from "msw";
import { graphql } from "msw/graphql";
import { ADMIN_API_VERSION } from "../../app/adapters/shopify/api-version";
import * as operations from "../../app/adapters/shopify/operations";
import {
  phoneDigits,
  type DemoCollection,
  type DemoCustomer,
  type DemoDraftOrder,
  type DemoMoney,
  type DemoOrder,
  type DemoProduct,
  type DemoShopifyStore,
  type DemoVariant,
} from "./demo-catalog";

// ---------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------

const SCHEMA_FILE = `admin_${ADMIN_API_VERSION}.introspection.json.gz`;
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Where the Admin schema may be: `$SHOPIFY_ADMIN_SCHEMA`, the repo's fixtures, the shared fixtures. */
export function adminSchemaCandidates(): string[] {
  return [
    process.env.SHOPIFY_ADMIN_SCHEMA,
    path.join(REPO_ROOT, "tests/fixtures/shopify-admin-schema", SCHEMA_FILE),
    path.resolve(REPO_ROOT, "../shared/fixtures/shopify-admin-schema", SCHEMA_FILE),
    path.join("/work/shared/fixtures/shopify-admin-schema", SCHEMA_FILE),
  ].filter((p): p is string => typeof p === "string" && p.length > 0);
}

let cachedSchema: GraphQLSchema | undefined;

/** The Admin GraphQL schema of `ADMIN_API_VERSION` (introspection JSON, optionally gzipped), loaded once. */
export function loadAdminSchema(): GraphQLSchema {
  if (cachedSchema) return cachedSchema;
  const candidates = adminSchemaCandidates();
  const file = candidates.find((p) => existsSync(p));
  if (!file) {
    throw new Error(
      `Shopify Admin schema ${SCHEMA_FILE} not found. Looked in:\n  ${candidates.join("\n  ")}\n` +
        `Set SHOPIFY_ADMIN_SCHEMA to the introspection file.`,
    );
  }
  const raw = readFileSync(file);
  const text = (file.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8");
  const json = JSON.parse(text) as { data?: IntrospectionQuery } & Partial<IntrospectionQuery>;
  cachedSchema = buildClientSchema((json.data ?? json) as IntrospectionQuery);
  return cachedSchema;
}

// ---------------------------------------------------------------------------------------------
// Shopify search syntax (the subset Hala uses, parsed faithfully enough to catch escaping mistakes)
// ---------------------------------------------------------------------------------------------

export type SearchNode =
  | { type: "and" | "or"; children: SearchNode[] }
  | { type: "not"; child: SearchNode }
  | { type: "term"; field: string | null; value: string; prefix: boolean; quoted: boolean };

type Token =
  | { kind: "(" }
  | { kind: ")" }
  | { kind: "word"; field: string | null; value: string; prefix: boolean; quoted: boolean; raw: string };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "(" || c === ")") {
      tokens.push(c === "(" ? { kind: "(" } : { kind: ")" });
      i++;
      continue;
    }
    let field: string | null = null;
    let value = "";
    let raw = "";
    let quoted = false;
    let prefix = false;
    while (i < input.length && !/\s/.test(input[i]) && input[i] !== "(" && input[i] !== ")") {
      const ch = input[i];
      if (ch === "\\" && i + 1 < input.length) {
        value += input[i + 1];
        raw += ch + input[i + 1];
        i += 2;
      } else if (ch === '"' || ch === "'") {
        const quote = ch;
        quoted = true;
        i++;
        while (i < input.length && input[i] !== quote) {
          if (input[i] === "\\" && i + 1 < input.length) i++;
          value += input[i];
          i++;
        }
        if (i >= input.length) throw new GraphQLError(`Invalid search query: unterminated quote in ${input}`);
        i++;
        raw += "<quoted>";
      } else if (ch === ":" && field === null && !quoted) {
        field = value.toLowerCase();
        value = "";
        raw += ch;
        i++;
      } else {
        value += ch;
        raw += ch;
        i++;
      }
    }
    if (!quoted && value.endsWith("*")) {
      prefix = true;
      value = value.slice(0, -1);
    }
    tokens.push({ kind: "word", field, value, prefix, quoted, raw });
  }
  return tokens;
}

/** Parses Shopify search syntax: terms, `field:value`, quotes, `\` escapes, `*` prefix, AND/OR/NOT, `-`, parens. */
export function parseSearchQuery(input: string): SearchNode {
  const tokens = tokenize(input);
  let pos = 0;
  const isWord = (t: Token | undefined, w: string) =>
    t?.kind === "word" && t.field === null && !t.quoted && t.raw === w;

  function parseOr(): SearchNode {
    const children = [parseAnd()];
    while (isWord(tokens[pos], "OR")) {
      pos++;
      children.push(parseAnd());
    }
    return children.length === 1 ? children[0] : { type: "or", children };
  }
  function parseAnd(): SearchNode {
    const children = [parseUnary()];
    while (pos < tokens.length && tokens[pos].kind !== ")" && !isWord(tokens[pos], "OR")) {
      if (isWord(tokens[pos], "AND")) pos++;
      children.push(parseUnary());
    }
    return children.length === 1 ? children[0] : { type: "and", children };
  }
  function parseUnary(): SearchNode {
    const t = tokens[pos];
    if (!t) throw new GraphQLError(`Invalid search query: unexpected end of ${JSON.stringify(input)}`);
    if (isWord(t, "NOT")) {
      pos++;
      return { type: "not", child: parseUnary() };
    }
    if (t.kind === "(") {
      pos++;
      const inner = parseOr();
      if (tokens[pos]?.kind !== ")")
        throw new GraphQLError(`Invalid search query: missing ")" in ${JSON.stringify(input)}`);
      pos++;
      return inner;
    }
    if (t.kind === ")")
      throw new GraphQLError(`Invalid search query: unexpected ")" in ${JSON.stringify(input)}`);
    pos++;
    if (!t.quoted && t.field === null && t.value.startsWith("-") && t.value.length > 1) {
      return {
        type: "not",
        child: { type: "term", field: null, value: t.value.slice(1), prefix: t.prefix, quoted: false },
      };
    }
    if (!t.quoted && t.field?.startsWith("-")) {
      return {
        type: "not",
        child: { type: "term", field: t.field.slice(1), value: t.value, prefix: t.prefix, quoted: false },
      };
    }
    return { type: "term", field: t.field, value: t.value, prefix: t.prefix, quoted: t.quoted };
  }

  if (tokens.length === 0) return { type: "and", children: [] };
  const tree = parseOr();
  if (pos < tokens.length)
    throw new GraphQLError(`Invalid search query: unexpected ")" in ${JSON.stringify(input)}`);
  return tree;
}

/** Returns whether the term matches, or undefined for a field the resource does not know (Shopify ignores it). */
type TermMatcher<T> = (item: T, term: Extract<SearchNode, { type: "term" }>) => boolean | undefined;

function evaluate<T>(node: SearchNode, item: T, match: TermMatcher<T>): boolean {
  switch (node.type) {
    case "and":
      return node.children.every((c) => evaluate(c, item, match));
    case "or":
      return node.children.some((c) => evaluate(c, item, match));
    case "not":
      return !evaluate(node.child, item, match);
    case "term":
      return match(item, node) ?? true;
  }
}

function filterBySearch<T>(items: T[], query: string | null | undefined, match: TermMatcher<T>): T[] {
  if (!query || !query.trim()) return items;
  const tree = parseSearchQuery(query);
  return items.filter((item) => evaluate(tree, item, match));
}

const words = (text: string) =>
  text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/** Text fields: prefix → a word starts with it; otherwise the value's words appear in order. */
function textMatches(text: string | null | undefined, value: string, prefix: boolean): boolean {
  if (!text) return false;
  const haystack = words(text);
  const needle = words(value);
  if (needle.length === 0) return true;
  if (prefix) {
    const last = needle[needle.length - 1];
    const head = needle.slice(0, -1);
    return haystack.some(
      (_, i) =>
        head.every((w, j) => haystack[i + j] === w) && (haystack[i + head.length] ?? "").startsWith(last),
    );
  }
  return haystack.some((_, i) => needle.every((w, j) => haystack[i + j] === w));
}

function exact(text: string | null | undefined, value: string, prefix: boolean): boolean {
  if (text == null) return false;
  const a = text.trim().toLowerCase();
  const b = value.trim().toLowerCase();
  return prefix ? a.startsWith(b) : a === b;
}

const productMatcher: TermMatcher<DemoProduct> = (p, t) => {
  switch (t.field) {
    case null:
      return (
        textMatches(p.title, t.value, t.prefix) ||
        p.tags.some((tag) => exact(tag, t.value, t.prefix)) ||
        textMatches(p.productType, t.value, t.prefix) ||
        textMatches(p.vendor, t.value, t.prefix) ||
        p.variants.some((v) => exact(v.sku, t.value, t.prefix))
      );
    case "title":
      return textMatches(p.title, t.value, t.prefix);
    case "tag":
      return p.tags.some((tag) => exact(tag, t.value, t.prefix));
    case "tag_not":
      return !p.tags.some((tag) => exact(tag, t.value, t.prefix));
    case "status":
      return t.value.split(",").some((s) => exact(p.status, s, false));
    case "sku":
      return p.variants.some((v) => exact(v.sku, t.value, t.prefix));
    case "handle":
      return exact(p.handle, t.value, t.prefix);
    case "product_type":
      return exact(p.productType, t.value, t.prefix);
    case "vendor":
      return exact(p.vendor, t.value, t.prefix);
    case "id":
      return p.id === t.value;
    case "published_status":
      return t.value === "unpublished" ? p.status !== "ACTIVE" : p.status === "ACTIVE";
    default:
      return undefined;
  }
};

type VariantRow = { product: DemoProduct; variant: DemoVariant };

const variantMatcher: TermMatcher<VariantRow> = ({ product, variant }, t) => {
  switch (t.field) {
    case null:
      return (
        textMatches(`${product.title} ${variant.title}`, t.value, t.prefix) ||
        exact(variant.sku, t.value, t.prefix)
      );
    case "sku":
      return exact(variant.sku, t.value, t.prefix);
    case "title":
      return textMatches(variant.title, t.value, t.prefix);
    case "product_id":
      return product.id === t.value;
    case "product_status":
      return t.value.split(",").some((s) => exact(product.status, s, false));
    case "id":
      return variant.id === t.value;
    default:
      return undefined;
  }
};

const collectionMatcher: TermMatcher<DemoCollection> = (c, t) => {
  switch (t.field) {
    case null:
    case "title":
      return textMatches(c.title, t.value, t.prefix);
    case "handle":
      return exact(c.handle, t.value, t.prefix);
    case "id":
      return c.id === t.value;
    case "published_status":
      return t.value === "unpublished"
        ? !c.published
        : t.value === "published" || t.value === "visible"
          ? c.published
          : undefined;
    default:
      return undefined;
  }
};

function phoneTermMatches(candidates: (string | null | undefined)[], value: string): boolean {
  if (value === "*") return candidates.some((c) => !!c);
  const wanted = phoneDigits(value);
  return wanted.length > 0 && candidates.some((c) => phoneDigits(c) === wanted);
}

// ---------------------------------------------------------------------------------------------
// Connections
// ---------------------------------------------------------------------------------------------

interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  reverse?: boolean | null;
}

const MAX_FIRST = 250;

const encodeCursor = (id: string) => Buffer.from(JSON.stringify({ last_id: id })).toString("base64url");

function decodeCursor(cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { last_id?: unknown };
    if (typeof parsed.last_id === "string") return parsed.last_id;
  } catch {
    // fall through
  }
  throw new GraphQLError(`Invalid cursor for current pagination sort.`, {
    extensions: { code: "BAD_REQUEST" },
  });
}

function connection<T, V>(items: T[], args: ConnectionArgs, idOf: (item: T) => string, view: (item: T) => V) {
  const { first, last } = args;
  if (first == null && last == null) {
    throw new GraphQLError("you must provide one of first or last", { extensions: { code: "BAD_REQUEST" } });
  }
  for (const n of [first, last]) {
    if (n != null && (n < 0 || n > MAX_FIRST)) {
      throw new GraphQLError(`The maximum page size is ${MAX_FIRST}, requested ${n}`, {
        extensions: { code: "BAD_REQUEST" },
      });
    }
  }
  const ordered = args.reverse ? [...items].reverse() : items;
  let start = 0;
  let end = ordered.length;
  if (args.after) {
    const id = decodeCursor(args.after);
    const index = ordered.findIndex((item) => idOf(item) === id);
    start = index + 1;
  }
  if (args.before) {
    const id = decodeCursor(args.before);
    const index = ordered.findIndex((item) => idOf(item) === id);
    if (index >= 0) end = index;
  }
  let slice = ordered.slice(start, end);
  let hasNextPage = end < ordered.length;
  let hasPreviousPage = start > 0;
  if (first != null) {
    hasNextPage = slice.length > first || hasNextPage;
    slice = slice.slice(0, first);
  }
  if (last != null) {
    hasPreviousPage = slice.length > last || hasPreviousPage;
    slice = slice.slice(Math.max(0, slice.length - last));
  }
  const edges = slice.map((item) => ({ cursor: encodeCursor(idOf(item)), node: view(item) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Views: schema-shaped objects over the store (functions for fields that take arguments)
// ---------------------------------------------------------------------------------------------

const gid = (resource: string, id: string) => `gid://shopify/${resource}/${id}`;

function stripHtml(html: string): string {
  return html
    .replace(/<\/?(p|br|li|ul|ol|div|h[1-6])\b[^>]*>/gi, " ")
    .replace(/<[^>]*>/g, "")
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}

function moneyV2(amount: string, currencyCode: string) {
  return { amount, currencyCode };
}

function moneyBag(m: DemoMoney) {
  return {
    shopMoney: moneyV2(m.amount, m.currencyCode),
    presentmentMoney: moneyV2(m.amount, m.currencyCode),
  };
}

interface Ctx {
  store: DemoShopifyStore;
  orderPhoneFilter: "supported" | "ignored";
}

function imageView(url: string, alt: string) {
  return {
    __typename: "Image",
    id: null,
    altText: alt,
    width: 1024,
    height: 1024,
    url: () => url,
    thumbhash: null,
  };
}

function productView(ctx: Ctx, p: DemoProduct): Record<string, unknown> {
  const { store } = ctx;
  const prices = p.variants.map((v) => Number(v.price));
  const minIndex = prices.indexOf(Math.min(...prices));
  const maxIndex = prices.indexOf(Math.max(...prices));
  const priceRange = {
    minVariantPrice: moneyV2(p.variants[minIndex].price, store.currencyCode),
    maxVariantPrice: moneyV2(p.variants[maxIndex].price, store.currencyCode),
  };
  const url = store.imageUrl(p);
  const media = {
    __typename: "MediaImage",
    id: gid("MediaImage", p.id),
    alt: p.title,
    mediaContentType: "IMAGE",
    status: "READY",
    mediaErrors: [],
    mediaWarnings: [],
    preview: { status: "READY", image: imageView(url, p.title) },
    image: imageView(url, p.title),
  };
  const tracked = p.variants.filter((v) => v.inventory !== null);
  return {
    __typename: "Product",
    id: gid("Product", p.id),
    legacyResourceId: p.id,
    title: p.title,
    handle: p.handle,
    status: p.status,
    productType: p.productType,
    vendor: p.vendor,
    tags: p.tags,
    createdAt: p.createdAt,
    updatedAt: p.createdAt,
    descriptionHtml: p.descriptionHtml,
    description: ({ truncateAt }: { truncateAt?: number | null }) => {
      const text = stripHtml(p.descriptionHtml);
      return truncateAt && text.length > truncateAt ? `${text.slice(0, truncateAt)}...` : text;
    },
    onlineStoreUrl: p.status === "ACTIVE" ? `https://${store.shopDomain}/products/${p.handle}` : null,
    featuredMedia: media,
    media: (args: ConnectionArgs) =>
      connection(
        [media],
        args,
        (m) => m.id,
        (m) => m,
      ),
    priceRangeV2: priceRange,
    priceRange,
    totalInventory: tracked.reduce((sum, v) => sum + (v.inventory ?? 0), 0),
    tracksInventory: tracked.length > 0,
    hasOnlyDefaultVariant: p.variants.length === 1 && p.variants[0].title === "Default Title",
    variantsCount: { count: p.variants.length, precision: "EXACT" },
    variants: (args: ConnectionArgs) =>
      connection(
        p.variants,
        args,
        (v) => v.id,
        (v) => variantView(ctx, p, v),
      ),
    collections: (args: ConnectionArgs) =>
      connection(
        store.collections.filter((c) => p.collections.includes(c.handle)),
        args,
        (c) => c.id,
        (c) => collectionView(ctx, c),
      ),
  };
}

function variantView(ctx: Ctx, p: DemoProduct, v: DemoVariant): Record<string, unknown> {
  return {
    __typename: "ProductVariant",
    id: gid("ProductVariant", v.id),
    legacyResourceId: v.id,
    title: v.title,
    displayName: `${p.title} - ${v.title}`,
    sku: v.sku,
    price: v.price,
    compareAtPrice: null,
    availableForSale: ctx.store.isVariantAvailable(p, v),
    inventoryQuantity: v.inventory ?? 0,
    inventoryPolicy: "DENY",
    selectedOptions: v.options,
    product: () => productView(ctx, p),
  };
}

function collectionView(ctx: Ctx, c: DemoCollection): Record<string, unknown> {
  const products = () => ctx.store.collectionProducts(c);
  return {
    __typename: "Collection",
    id: gid("Collection", c.id),
    legacyResourceId: c.id,
    title: c.title,
    handle: c.handle,
    descriptionHtml: c.descriptionHtml,
    description: () => stripHtml(c.descriptionHtml),
    productsCount: () => ({ count: products().length, precision: "EXACT" }),
    hasProduct: ({ id }: { id: string }) => products().some((p) => gid("Product", p.id) === id),
    products: (args: ConnectionArgs & { sortKey?: string }) => {
      let list = products();
      if (args.sortKey === "TITLE") list = [...list].sort((a, b) => a.title.localeCompare(b.title));
      if (args.sortKey === "CREATED") list = [...list].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      return connection(
        list,
        args,
        (p) => p.id,
        (p) => productView(ctx, p),
      );
    },
  };
}

function customerView(ctx: Ctx, c: DemoCustomer): Record<string, unknown> {
  return {
    __typename: "Customer",
    id: gid("Customer", c.id),
    legacyResourceId: c.id,
    firstName: c.firstName,
    lastName: c.lastName,
    displayName: [c.firstName, c.lastName].filter(Boolean).join(" ") || c.email || c.phone || "Customer",
    locale: c.locale,
    defaultPhoneNumber: c.phone ? { phoneNumber: c.phone, marketingState: "NOT_SUBSCRIBED" } : null,
    defaultEmailAddress: c.email ? { emailAddress: c.email } : null,
    orders: (args: ConnectionArgs & { query?: string | null; sortKey?: string | null }) =>
      ordersConnection(
        ctx,
        ctx.store.ordersNewestFirst().filter((o) => o.customerId === c.id),
        args,
      ),
  };
}

function orderView(ctx: Ctx, o: DemoOrder): Record<string, unknown> {
  const customer = o.customerId ? ctx.store.findCustomer(o.customerId) : undefined;
  return {
    __typename: "Order",
    id: gid("Order", o.id),
    legacyResourceId: o.id,
    name: o.name,
    createdAt: o.createdAt,
    processedAt: o.createdAt,
    updatedAt: o.createdAt,
    displayFinancialStatus: o.financialStatus,
    displayFulfillmentStatus: o.fulfillmentStatus,
    totalPriceSet: moneyBag(o.total),
    currentTotalPriceSet: moneyBag(o.total),
    statusPageUrl: () => o.statusPageUrl,
    phone: o.phone,
    email: o.email,
    note: o.note,
    tags: o.tags,
    customerLocale: o.customerLocale,
    customAttributes: o.customAttributes,
    shippingAddress:
      o.shippingPhone !== null ? { __typename: "MailingAddress", phone: o.shippingPhone } : null,
    billingAddress: null,
    customer: customer ? customerView(ctx, customer) : null,
    fulfillments: ({ first }: { first?: number | null }) =>
      o.fulfillments.slice(0, first ?? undefined).map((f) => ({
        __typename: "Fulfillment",
        id: gid("Fulfillment", f.id),
        createdAt: f.createdAt,
        status: "SUCCESS",
        displayStatus: "FULFILLED",
        trackingInfo: ({ first: n }: { first?: number | null }) => f.tracking.slice(0, n ?? undefined),
      })),
  };
}

function draftOrderView(ctx: Ctx, d: DemoDraftOrder): Record<string, unknown> {
  return {
    __typename: "DraftOrder",
    id: gid("DraftOrder", d.id),
    legacyResourceId: d.id,
    name: d.name,
    status: d.status,
    invoiceUrl: d.invoiceUrl,
    totalPriceSet: moneyBag(d.total),
    phone: d.phone,
    email: d.email,
    tags: d.tags,
    note2: d.note,
    customAttributes: d.customAttributes,
    createdAt: d.createdAt,
    order: () => (d.orderId ? orderView(ctx, ctx.store.findOrder(d.orderId)!) : null),
  };
}

const ORDER_SORTS: Record<string, (a: DemoOrder, b: DemoOrder) => number> = {
  CREATED_AT: (a, b) => a.createdAt.localeCompare(b.createdAt),
  PROCESSED_AT: (a, b) => a.createdAt.localeCompare(b.createdAt),
  ID: (a, b) => a.id.localeCompare(b.id),
  ORDER_NUMBER: (a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }),
  TOTAL_PRICE: (a, b) => Number(a.total.amount) - Number(b.total.amount),
};

function orderMatcher(ctx: Ctx): TermMatcher<DemoOrder> {
  return (o, t) => {
    const customer = o.customerId ? ctx.store.findCustomer(o.customerId) : undefined;
    switch (t.field) {
      case null:
        return (
          exact(o.name.replace(/^#/, ""), t.value.replace(/^#/, ""), t.prefix) ||
          exact(o.email, t.value, t.prefix) ||
          (phoneDigits(t.value).length >= 6 &&
            phoneTermMatches([o.phone, customer?.phone, o.shippingPhone], t.value))
        );
      case "phone":
        return ctx.orderPhoneFilter === "ignored"
          ? undefined
          : phoneTermMatches([o.phone, customer?.phone, o.shippingPhone], t.value);
      case "name":
        return exact(o.name.replace(/^#/, ""), t.value.replace(/^#/, ""), t.prefix);
      case "email":
        return exact(o.email ?? customer?.email, t.value, t.prefix);
      case "customer_id":
        return o.customerId === t.value;
      case "id":
        return o.id === t.value;
      case "tag":
        return o.tags.some((tag) => exact(tag, t.value, t.prefix));
      case "financial_status":
        return exact(o.financialStatus, t.value, false);
      case "fulfillment_status":
        return t.value.toLowerCase() === "shipped" || t.value.toLowerCase() === "fulfilled"
          ? o.fulfillmentStatus === "FULFILLED"
          : t.value.toLowerCase() === "unshipped" || t.value.toLowerCase() === "unfulfilled"
            ? o.fulfillmentStatus === "UNFULFILLED"
            : undefined;
      default:
        return undefined;
    }
  };
}

function ordersConnection(
  ctx: Ctx,
  orders: DemoOrder[],
  args: ConnectionArgs & { query?: string | null; sortKey?: string | null },
) {
  const sort = ORDER_SORTS[args.sortKey ?? "ID"] ?? ORDER_SORTS.ID;
  // Ties (same createdAt) keep creation order, so "newest first" (reverse) stays stable.
  const created = new Map(ctx.store.orders.map((o, i) => [o.id, i]));
  const list = filterBySearch(orders, args.query, orderMatcher(ctx)).sort(
    (a, b) => sort(a, b) || (created.get(a.id) ?? 0) - (created.get(b.id) ?? 0),
  );
  return connection(
    list,
    args,
    (o) => o.id,
    (o) => orderView(ctx, o),
  );
}

function nodeView(ctx: Ctx, id: string): Record<string, unknown> | null {
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)$/.exec(id);
  if (!match)
    throw new GraphQLError(`Invalid global id '${id}'`, {
      extensions: { code: "argumentLiteralsIncompatible" },
    });
  const { store } = ctx;
  switch (match[1]) {
    case "Product": {
      const p = store.findProduct(id);
      return p ? productView(ctx, p) : null;
    }
    case "ProductVariant": {
      const found = store.findVariant(id);
      return found ? variantView(ctx, found.product, found.variant) : null;
    }
    case "Collection": {
      const c = store.findCollection(id);
      return c ? collectionView(ctx, c) : null;
    }
    case "Order": {
      const o = store.findOrder(id);
      return o ? orderView(ctx, o) : null;
    }
    case "DraftOrder": {
      const d = store.findDraftOrder(id);
      return d ? draftOrderView(ctx, d) : null;
    }
    case "Customer": {
      const c = store.findCustomer(id);
      return c ? customerView(ctx, c) : null;
    }
    default:
      return null;
  }
}

function rootValue(ctx: Ctx): Record<string, unknown> {
  const { store } = ctx;
  return {
    // -- QueryRoot
    shop: {
      __typename: "Shop",
      id: gid("Shop", "70000000001"),
      name: store.shopName,
      currencyCode: store.currencyCode,
      myshopifyDomain: store.shopDomain,
      primaryDomain: {
        __typename: "Domain",
        id: gid("Domain", "70000000002"),
        host: store.shopDomain,
        url: `https://${store.shopDomain}`,
      },
      url: `https://${store.shopDomain}`,
      email: `owner@${store.shopDomain}`,
      contactEmail: `hello@${store.shopDomain}`,
      ianaTimezone: "Asia/Riyadh",
      enabledPresentmentCurrencies: [store.currencyCode],
    },
    collections: (args: ConnectionArgs & { query?: string | null; sortKey?: string | null }) => {
      let list = filterBySearch(store.collections, args.query, collectionMatcher);
      if (args.sortKey === "TITLE") list = [...list].sort((a, b) => a.title.localeCompare(b.title));
      return connection(
        list,
        args,
        (c) => c.id,
        (c) => collectionView(ctx, c),
      );
    },
    collection: ({ id }: { id: string }) => nodeOf(ctx, id, "Collection"),
    products: (args: ConnectionArgs & { query?: string | null; sortKey?: string | null }) => {
      let list = filterBySearch(store.products, args.query, productMatcher);
      if (args.sortKey === "TITLE") list = [...list].sort((a, b) => a.title.localeCompare(b.title));
      return connection(
        list,
        args,
        (p) => p.id,
        (p) => productView(ctx, p),
      );
    },
    product: ({ id }: { id: string }) => nodeOf(ctx, id, "Product"),
    productVariant: ({ id }: { id: string }) => nodeOf(ctx, id, "ProductVariant"),
    productVariants: (args: ConnectionArgs & { query?: string | null }) => {
      const rows: VariantRow[] = store.products.flatMap((product) =>
        product.variants.map((variant) => ({ product, variant })),
      );
      const list = filterBySearch(rows, args.query, variantMatcher);
      return connection(
        list,
        args,
        (r) => r.variant.id,
        (r) => variantView(ctx, r.product, r.variant),
      );
    },
    node: ({ id }: { id: string }) => nodeView(ctx, id),
    nodes: ({ ids }: { ids: string[] }) => {
      if (ids.length > 250)
        throw new GraphQLError("The maximum number of ids is 250", { extensions: { code: "BAD_REQUEST" } });
      return ids.map((id) => nodeView(ctx, id));
    },
    orders: (args: ConnectionArgs & { query?: string | null; sortKey?: string | null }) =>
      ordersConnection(ctx, store.orders, args),
    order: ({ id }: { id: string }) => nodeOf(ctx, id, "Order"),
    draftOrder: ({ id }: { id: string }) => nodeOf(ctx, id, "DraftOrder"),
    customers: (args: ConnectionArgs & { query?: string | null }) => {
      const list = filterBySearch(store.customers, args.query, (c, t) => {
        switch (t.field) {
          case null:
            return (
              textMatches(`${c.firstName ?? ""} ${c.lastName ?? ""}`, t.value, t.prefix) ||
              exact(c.email, t.value, t.prefix) ||
              phoneTermMatches([c.phone], t.value)
            );
          case "phone":
            return phoneTermMatches([c.phone], t.value);
          case "email":
            return exact(c.email, t.value, t.prefix);
          case "first_name":
            return exact(c.firstName, t.value, t.prefix);
          case "last_name":
            return exact(c.lastName, t.value, t.prefix);
          case "id":
            return c.id === t.value;
          default:
            return undefined;
        }
      });
      return connection(
        list,
        args,
        (c) => c.id,
        (c) => customerView(ctx, c),
      );
    },
    customer: ({ id }: { id: string }) => nodeOf(ctx, id, "Customer"),

    // -- Mutation
    draftOrderCreate: ({ input }: { input: Record<string, unknown> }) => {
      const { draftOrder, userErrors } = store.createDraftOrder(
        input as Parameters<DemoShopifyStore["createDraftOrder"]>[0],
      );
      return {
        draftOrder: draftOrder ? draftOrderView(ctx, draftOrder) : null,
        userErrors: userErrors.map((e) => ({ __typename: "UserError", ...e })),
      };
    },
  };
}

function nodeOf(ctx: Ctx, id: string, resource: string): Record<string, unknown> | null {
  const node = nodeView(ctx, id);
  return node && node.__typename === resource ? node : null;
}

// ---------------------------------------------------------------------------------------------
// Execution
// ---------------------------------------------------------------------------------------------

const documentCache = new Map<string, { document: DocumentNode } | { errors: GraphQLError[] }>();

function prepare(schema: GraphQLSchema, query: string) {
  let entry = documentCache.get(query);
  if (!entry) {
    try {
      const document = parse(query);
      const errors = validate(schema, document);
      entry = errors.length ? { errors: [...errors] } : { document };
    } catch (error) {
      entry = { errors: [error instanceof GraphQLError ? error : new GraphQLError(String(error))] };
    }
    documentCache.set(query, entry);
  }
  return entry;
}

export interface ExecuteOptions {
  store: DemoShopifyStore;
  schema?: GraphQLSchema;
  orderPhoneFilter?: "supported" | "ignored";
}

/** Runs one Admin GraphQL request over the demo store; the body Shopify would send. */
export async function executeAdminGraphQL(
  query: string,
  variables: Record<string, unknown> | undefined,
  options: ExecuteOptions,
): Promise<{ data?: unknown; errors?: unknown[]; extensions?: unknown }> {
  const schema = options.schema ?? loadAdminSchema();
  const prepared = prepare(schema, query);
  if ("errors" in prepared) {
    return {
      errors: prepared.errors.map((e) => ({
        ...e.toJSON(),
        extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
      })),
    };
  }
  const ctx: Ctx = { store: options.store, orderPhoneFilter: options.orderPhoneFilter ?? "supported" };
  const result = await execute({
    schema,
    document: prepared.document,
    rootValue: rootValue(ctx),
    variableValues: variables ?? {},
  });
  return {
    ...(result.data !== undefined ? { data: result.data } : {}),
    ...(result.errors?.length ? { errors: result.errors.map((e) => e.toJSON()) } : {}),
    extensions: { cost: costOf(100) },
  };
}

function costOf(currentlyAvailable: number, requested = 12) {
  return {
    requestedQueryCost: requested,
    actualQueryCost: currentlyAvailable > requested ? requested : null,
    throttleStatus: { maximumAvailable: 2000, currentlyAvailable, restoreRate: 100 },
  };
}

// ---------------------------------------------------------------------------------------------
// Handlers, faults, request log
// ---------------------------------------------------------------------------------------------

/** `THROTTLED` (HTTP 200 + GraphQL error), `NETWORK` (connection failure) or an HTTP status (401, 429, 500, 503…). */
export type AdminFault = "THROTTLED" | "NETWORK" | number;

export interface AdminRequestLogEntry {
  operationName: string;
  variables: Record<string, unknown>;
  /** What was answered: an HTTP status, or "THROTTLED" / "NETWORK". */
  outcome: number | "THROTTLED" | "NETWORK";
}

export interface ShopifyAdminHandlerOptions {
  /** Answer only this shop; default: any host. */
  shopDomain?: string;
  /** Require exactly this `X-Shopify-Access-Token` (default: any non-empty token). */
  accessToken?: string;
  /** Defaults to `loadAdminSchema()`. */
  schema?: GraphQLSchema;
  /**
   * "ignored" makes `orders(query: "phone:…")` behave like a Shopify that does not know the filter (all orders
   * come back), to test that the app filters them itself. Default "supported".
   */
  orderPhoneFilter?: "supported" | "ignored";
  /**
   * Also answer operations that are not in operations.ts (any operation to the Admin endpoint), executed over
   * the same store. Off by default so other mocks can handle their own operations.
   */
  catchAll?: boolean;
}

export interface ShopifyAdminMockControls {
  readonly store: DemoShopifyStore;
  /** The next `times` requests of `operationName` ("*" = any) fail with `fault` (`Infinity` = until cleared). */
  failNext(operationName: string, fault: AdminFault, times?: number): void;
  clearFaults(): void;
  /** Every request answered, in order. */
  readonly requests: AdminRequestLogEntry[];
  requestsFor(operationName: string): AdminRequestLogEntry[];
  clearRequests(): void;
}

export type ShopifyAdminHandlers = RequestHandler[] & ShopifyAdminMockControls;

/** Names of the operations exported from operations.ts (each export holds exactly one). */
export function appOperationNames(): { name: string; type: "query" | "mutation" }[] {
  return Object.values(operations as Record<string, unknown>)
    .filter((v): v is string => typeof v === "string")
    .flatMap((source) =>
      parse(source).definitions.flatMap((d) =>
        d.kind === "OperationDefinition" && d.name && d.operation !== "subscription"
          ? [{ name: d.name.value, type: d.operation as "query" | "mutation" }]
          : [],
      ),
    );
}

export function createShopifyAdminHandlers(
  store: DemoShopifyStore,
  options: ShopifyAdminHandlerOptions = {},
): ShopifyAdminHandlers {
  const endpoint = `https://${options.shopDomain ?? "*"}/admin/api/${ADMIN_API_VERSION}/graphql.json`;
  const link = graphql.link(endpoint);
  const faults: { operationName: string; fault: AdminFault; remaining: number }[] = [];
  const requests: AdminRequestLogEntry[] = [];
  const schema = options.schema;

  const takeFault = (operationName: string): AdminFault | undefined => {
    const entry = faults.find(
      (f) => f.remaining > 0 && (f.operationName === operationName || f.operationName === "*"),
    );
    if (!entry) return undefined;
    entry.remaining -= 1;
    return entry.fault;
  };

  const respond = async ({
    request,
    query,
    variables,
    operationName,
  }: {
    request: Request;
    query: string;
    variables: Record<string, unknown>;
    operationName: string;
  }) => {
    const log = (outcome: AdminRequestLogEntry["outcome"]) =>
      requests.push({ operationName, variables, outcome });
    const token = request.headers.get("x-shopify-access-token");
    if (!token || (options.accessToken !== undefined && token !== options.accessToken)) {
      log(401);
      return HttpResponse.json(
        { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" },
        { status: 401 },
      );
    }
    const fault = takeFault(operationName);
    if (fault === "NETWORK") {
      log("NETWORK");
      return HttpResponse.error();
    }
    if (fault === "THROTTLED") {
      log("THROTTLED");
      return HttpResponse.json({
        errors: [
          {
            message: "Throttled",
            extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" },
          },
        ],
        extensions: { cost: costOf(2, 52) },
      });
    }
    if (typeof fault === "number") {
      log(fault);
      const headers: Record<string, string> = {};
      if (fault === 429 || fault === 503) headers["Retry-After"] = fault === 429 ? "1.0" : "2";
      const body =
        fault >= 500
          ? {
              errors: [
                {
                  message: "Internal error. Looks like something went wrong on our end.",
                  extensions: { code: "INTERNAL_SERVER_ERROR" },
                },
              ],
            }
          : fault === 401 || fault === 403
            ? { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" }
            : { errors: `HTTP ${fault}` };
      return HttpResponse.json(body, { status: fault, headers });
    }
    const body = await executeAdminGraphQL(query, variables, {
      store,
      schema,
      orderPhoneFilter: options.orderPhoneFilter,
    });
    log(200);
    return HttpResponse.json(body);
  };

  const handlers: RequestHandler[] = appOperationNames().map(({ name, type }) =>
    link[type](name, ({ request, query, variables, operationName }) =>
      respond({ request, query, variables: variables ?? {}, operationName }),
    ),
  );
  if (options.catchAll) {
    handlers.push(
      link.operation(({ request, query, variables, operationName }) =>
        respond({
          request,
          query,
          variables: variables ?? {},
          operationName: operationName ?? "(anonymous)",
        }),
      ),
    );
  }

  const controls: ShopifyAdminMockControls = {
    store,
    failNext(operationName, fault, times = 1) {
      faults.push({ operationName, fault, remaining: times });
    },
    clearFaults() {
      faults.length = 0;
    },
    requests,
    requestsFor(operationName) {
      return requests.filter((r) => r.operationName === operationName);
    },
    clearRequests() {
      requests.length = 0;
    },
  };
  return Object.assign(handlers, controls);
}
