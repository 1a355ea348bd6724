/**
 * The demo store: "Hala Demo Boutique", a modest fashion & home store in Riyadh selling in SAR.
 * Deterministic data (fixed ids, SKUs, prices, stock) plus `DemoShopifyStore`, a small in-memory store with
 * state — draft orders, placed orders, fulfillments, customers — that `tests/mocks/shopify-admin.ts` serves as
 * the Admin GraphQL API, for tests and for `npm run demo`.
 *
 * Stock rules (as in Shopify with the DENY policy): a variant is available when inventory is not tracked
 * (`inventory: null`) or above 0; a product is shown to shoppers only when ACTIVE.
 */
import { createHash } from "node:crypto";

export const DEMO_SHOP_DOMAIN = "demo-hala.myshopify.com";
export const DEMO_SHOP_NAME = "Hala Demo Boutique";
export const DEMO_CURRENCY = "SAR";

export type DemoProductStatus = "ACTIVE" | "DRAFT" | "ARCHIVED";

export interface DemoVariant {
  /** Numeric (legacy) id; the GID is `gid://shopify/ProductVariant/<id>`. */
  id: string;
  title: string;
  sku: string;
  price: string;
  /** null = inventory not tracked (always available). */
  inventory: number | null;
  options: { name: string; value: string }[];
}

export interface DemoProduct {
  id: string;
  handle: string;
  title: string;
  status: DemoProductStatus;
  productType: string;
  vendor: string;
  tags: string[];
  descriptionHtml: string;
  /** Path of the product image, served by the demo server. */
  imagePath: string;
  collections: string[];
  createdAt: string;
  variants: DemoVariant[];
}

export interface DemoCollection {
  id: string;
  handle: string;
  title: string;
  /** Published to the online store (unpublished ones are not offered to shoppers). */
  published: boolean;
  descriptionHtml: string;
}

// ---------------------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------------------

const COLLECTION_BASE = 480_000_000_000;

export const demoCollections: readonly DemoCollection[] = [
  ["abayas", "Abayas", true, "<p>Everyday and occasion abayas, tailored in Riyadh.</p>"],
  ["scarves-hijabs", "Scarves & Hijabs", true, "<p>Chiffon, modal, jersey and silk.</p>"],
  ["perfumes-oud", "Perfumes & Oud", true, "<p>Oud oils, bakhoor and eaux de parfum.</p>"],
  ["dates-coffee", "Dates & Arabic Coffee", true, "<p>From Al-Qassim and Madinah farms.</p>"],
  ["home-decor", "Home Décor", true, "<p>Lanterns, Sadu weaves and majlis pieces.</p>"],
  ["kids", "Kids", true, "<p>Eid outfits, prayer sets and learning toys.</p>"],
  ["eid-gifts", "Eid Gifts", true, "<p>Ready-to-give favourites.</p>"],
  ["new-arrivals", "New Arrivals (preview)", false, "<p>Not published yet.</p>"],
  ["ramadan-2027", "Ramadan 2027", true, "<p>Coming soon.</p>"],
].map(([handle, title, published, descriptionHtml], i) => ({
  id: String(COLLECTION_BASE + i + 1),
  handle: handle as string,
  title: title as string,
  published: published as boolean,
  descriptionHtml: descriptionHtml as string,
}));

interface ProductSeed {
  handle: string;
  title: string;
  type: string;
  tags: string[];
  collections: string[];
  html: string;
  /** Option name → values; variants are the cartesian product, in order. Omitted: one "Default Title" variant. */
  options?: [string, string[]][];
  /** One price for all variants, or one per variant. */
  price: string | string[];
  /** Stock per variant (null = not tracked); a single number applies to all. */
  stock: number | null | (number | null)[];
  sku: string;
  status?: DemoProductStatus;
  vendor?: string;
}

const SEEDS: ProductSeed[] = [
  // Abayas ------------------------------------------------------------------------------------
  {
    handle: "classic-black-abaya",
    title: "Classic Black Abaya",
    type: "Abaya",
    tags: ["abaya", "black", "classic", "everyday"],
    collections: ["abayas"],
    html: "<p>Our best-seller: a flowing <strong>nida</strong> abaya with a hidden snap front.</p><ul><li>Premium Korean nida</li><li>Matching shayla included</li></ul>",
    options: [["Size", ["52", "54", "56", "58"]]],
    price: "349.00",
    stock: [5, 0, 8, 3],
    sku: "ABY-CLS-BLK",
  },
  {
    handle: "embroidered-navy-abaya",
    title: "Embroidered Navy Abaya",
    type: "Abaya",
    tags: ["abaya", "navy", "embroidered", "occasion"],
    collections: ["abayas"],
    html: "<p>Deep navy crepe with tone-on-tone <em>tatreez</em> embroidery on the sleeves.</p>",
    options: [["Size", ["52", "54", "56"]]],
    price: "489.00",
    stock: [2, 4, 0],
    sku: "ABY-EMB-NVY",
  },
  {
    handle: "open-front-kimono-abaya",
    title: "Open-Front Kimono Abaya",
    type: "Abaya",
    tags: ["abaya", "kimono", "beige", "olive"],
    collections: ["abayas"],
    html: "<p>Relaxed kimono cut with a self-tie belt. Wear it open over a dress or closed.</p>",
    options: [
      ["Color", ["Beige", "Olive"]],
      ["Size", ["S", "M", "L"]],
    ],
    price: "399.00",
    stock: [3, 6, 2, 0, 4, 1],
    sku: "ABY-KIM",
  },
  {
    handle: "linen-summer-abaya",
    title: "Linen Summer Abaya",
    type: "Abaya",
    tags: ["abaya", "linen", "summer", "white", "sand"],
    collections: ["abayas"],
    html: "<p>Breathable linen blend for the summer heat.</p><p>Machine washable at 30°C.</p>",
    options: [
      ["Color", ["Sand", "White"]],
      ["Size", ["54", "56"]],
    ],
    price: "429.00",
    stock: [7, 5, 0, 2],
    sku: "ABY-LIN",
  },
  {
    handle: "pearl-cuff-abaya",
    title: "Pearl Cuff Abaya",
    type: "Abaya",
    tags: ["abaya", "black", "pearl", "occasion"],
    collections: ["abayas"],
    html: "<p>Black georgette with hand-set pearl cuffs. <strong>Sold out</strong> — restocking soon.</p>",
    options: [["Size", ["54", "56", "58"]]],
    price: "599.00",
    stock: 0,
    sku: "ABY-PRL-BLK",
  },
  {
    handle: "everyday-jersey-abaya",
    title: "Everyday Jersey Abaya",
    type: "Abaya",
    tags: ["abaya", "jersey", "black", "everyday"],
    collections: ["abayas"],
    html: "<p>Soft stretch jersey, crease-free, with side pockets.</p>",
    options: [["Size", ["52", "54", "56", "58"]]],
    price: "279.00",
    stock: [10, 12, 9, 4],
    sku: "ABY-JRS-BLK",
  },
  {
    handle: "bisht-style-evening-abaya",
    title: "Bisht-Style Evening Abaya",
    type: "Abaya",
    tags: ["abaya", "bisht", "evening"],
    collections: ["abayas"],
    html: "<p>Gold-trimmed bisht-inspired evening abaya.</p>",
    options: [["Size", ["56", "58"]]],
    price: "799.00",
    stock: [2, 2],
    sku: "ABY-BST",
    status: "DRAFT",
  },
  // Scarves & hijabs --------------------------------------------------------------------------
  {
    handle: "chiffon-hijab-dusty-rose",
    title: "Chiffon Hijab - Dusty Rose",
    type: "Hijab",
    tags: ["hijab", "chiffon", "pink", "rose"],
    collections: ["scarves-hijabs"],
    html: "<p>Lightweight crinkle chiffon, 180 × 70 cm.</p>",
    price: "59.00",
    stock: 40,
    sku: "HIJ-CHF-RSE",
  },
  {
    handle: "premium-modal-hijab",
    title: "Premium Modal Hijab",
    type: "Hijab",
    tags: ["hijab", "modal", "black", "ivory", "mocha", "sage"],
    collections: ["scarves-hijabs"],
    html: "<p>Silky modal that stays put without pins.</p>",
    options: [["Color", ["Black", "Ivory", "Mocha", "Sage"]]],
    price: "79.00",
    stock: [25, 0, 14, 6],
    sku: "HIJ-MDL",
  },
  {
    handle: "silk-shayla",
    title: "Silk Shayla",
    type: "Shayla",
    tags: ["shayla", "silk", "gift"],
    collections: ["scarves-hijabs", "eid-gifts"],
    html: "<p>Pure mulberry silk in a gift box.</p>",
    options: [["Color", ["Champagne", "Midnight"]]],
    price: "149.00",
    stock: [6, 3],
    sku: "SHY-SLK",
  },
  {
    handle: "jersey-hijab-set",
    title: "Jersey Hijab Set of 3",
    type: "Hijab",
    tags: ["hijab", "jersey", "set", "everyday"],
    collections: ["scarves-hijabs"],
    html: "<p>Black, navy and grey everyday jersey hijabs.</p>",
    price: "119.00",
    stock: 18,
    sku: "HIJ-JRS-SET3",
  },
  {
    handle: "printed-square-scarf",
    title: "Printed Square Scarf",
    type: "Scarf",
    tags: ["scarf", "printed", "paisley", "geometric"],
    collections: ["scarves-hijabs"],
    html: "<p>Satin square scarf, 90 × 90 cm.</p>",
    options: [["Pattern", ["Paisley", "Geometric"]]],
    price: "89.00",
    stock: [0, 11],
    sku: "SCF-SQR",
  },
  {
    handle: "two-layer-niqab",
    title: "Two-Layer Niqab",
    type: "Niqab",
    tags: ["niqab", "black"],
    collections: ["scarves-hijabs"],
    html: "<p>Breathable two-layer niqab with a tie back.</p>",
    price: "45.00",
    stock: null,
    sku: "NQB-2L-BLK",
  },
  // Perfumes & oud ----------------------------------------------------------------------------
  {
    handle: "royal-oud-oil",
    title: "Royal Oud Oil",
    type: "Oud",
    tags: ["oud", "oil", "perfume", "gift", "luxury"],
    collections: ["perfumes-oud", "eid-gifts"],
    html: "<p>Aged Cambodian oud oil, <strong>alcohol-free</strong>.</p><ul><li>Long-lasting</li><li>Hand-filled crystal bottle</li></ul>",
    options: [["Size", ["3 ml", "6 ml", "12 ml"]]],
    price: ["180.00", "320.00", "590.00"],
    stock: [12, 6, 2],
    sku: "OUD-RYL",
    vendor: "Dar Al Oud",
  },
  {
    handle: "musk-al-tahara",
    title: "Musk Al Tahara",
    type: "Musk",
    tags: ["musk", "white", "perfume"],
    collections: ["perfumes-oud"],
    html: "<p>Creamy white musk, 10 ml roll-on.</p>",
    price: "35.00",
    stock: null,
    sku: "MSK-THR-10",
    vendor: "Dar Al Oud",
  },
  {
    handle: "taifi-rose-eau-de-parfum",
    title: "Taifi Rose Eau de Parfum",
    type: "Perfume",
    tags: ["perfume", "rose", "taif", "gift"],
    collections: ["perfumes-oud", "eid-gifts"],
    html: "<p>Distilled from roses of Taif, with a soft oud base.</p>",
    options: [["Size", ["50 ml", "100 ml"]]],
    price: ["260.00", "420.00"],
    stock: [9, 4],
    sku: "EDP-TAIF",
    vendor: "Dar Al Oud",
  },
  {
    handle: "bakhoor-al-arab",
    title: "Bakhoor Al Arab",
    type: "Bakhoor",
    tags: ["bakhoor", "incense", "oud"],
    collections: ["perfumes-oud"],
    html: "<p>Oud-soaked wood chips for the mabkhara, 40 g tin.</p>",
    price: "75.00",
    stock: 30,
    sku: "BKH-ARB-40",
    vendor: "Dar Al Oud",
  },
  {
    handle: "amber-nights-eau-de-parfum",
    title: "Amber Nights Eau de Parfum",
    type: "Perfume",
    tags: ["perfume", "amber", "evening"],
    collections: ["perfumes-oud"],
    html: "<p>Warm amber, saffron and vanilla. 100 ml.</p>",
    price: "310.00",
    stock: 0,
    sku: "EDP-AMB-100",
    vendor: "Dar Al Oud",
  },
  {
    handle: "cambodian-oud-chips",
    title: "Cambodian Oud Chips",
    type: "Oud",
    tags: ["oud", "chips", "bakhoor", "luxury"],
    collections: ["perfumes-oud"],
    html: "<p>Hand-selected resinous agarwood chips.</p>",
    options: [["Weight", ["12 g", "24 g"]]],
    price: ["450.00", "850.00"],
    stock: [5, 1],
    sku: "OUD-CHP",
    vendor: "Dar Al Oud",
  },
  {
    handle: "electric-bakhoor-burner",
    title: "Electric Bakhoor Burner",
    type: "Mabkhara",
    tags: ["bakhoor", "burner", "mabkhara", "gold", "silver"],
    collections: ["perfumes-oud", "home-decor"],
    html: "<p>USB-rechargeable mabkhara — no charcoal, no smoke alarms.</p>",
    options: [["Color", ["Gold", "Silver"]]],
    price: "149.00",
    stock: [8, 8],
    sku: "MBK-ELC",
  },
  // Dates & coffee ----------------------------------------------------------------------------
  {
    handle: "ajwa-dates",
    title: "Ajwa Dates",
    type: "Dates",
    tags: ["dates", "ajwa", "madinah"],
    collections: ["dates-coffee"],
    html: "<p>Soft Ajwa dates from Madinah farms.</p>",
    options: [["Weight", ["500 g", "1 kg"]]],
    price: ["85.00", "160.00"],
    stock: [20, 15],
    sku: "DAT-AJW",
    vendor: "Qassim Farms",
  },
  {
    handle: "sukkari-dates-gift-box",
    title: "Sukkari Dates Gift Box",
    type: "Dates",
    tags: ["dates", "sukkari", "gift", "box"],
    collections: ["dates-coffee", "eid-gifts"],
    html: "<p>Golden Sukkari dates in a keepsake wooden box.</p>",
    options: [["Size", ["Small", "Medium", "Large"]]],
    price: ["120.00", "210.00", "380.00"],
    stock: [10, 0, 3],
    sku: "DAT-SKR-BOX",
    vendor: "Qassim Farms",
  },
  {
    handle: "almond-stuffed-medjool-dates",
    title: "Almond-Stuffed Medjool Dates",
    type: "Dates",
    tags: ["dates", "medjool", "almond"],
    collections: ["dates-coffee"],
    html: "<p>Medjool dates stuffed with roasted almonds, 400 g.</p>",
    price: "95.00",
    stock: 12,
    sku: "DAT-MDJ-ALM",
    vendor: "Qassim Farms",
  },
  {
    handle: "saudi-coffee-cardamom",
    title: "Saudi Coffee with Cardamom",
    type: "Coffee",
    tags: ["coffee", "qahwa", "cardamom"],
    collections: ["dates-coffee"],
    html: "<p>Light-roast Khawlani beans ground with cardamom and saffron.</p>",
    options: [["Weight", ["250 g", "500 g"]]],
    price: ["45.00", "85.00"],
    stock: [50, 30],
    sku: "COF-SAU-CRD",
  },
  {
    handle: "brass-dallah",
    title: "Brass Dallah Coffee Pot",
    type: "Dallah",
    tags: ["dallah", "coffee", "brass", "gift"],
    collections: ["dates-coffee", "home-decor"],
    html: "<p>Hand-hammered brass dallah, 1 litre.</p>",
    price: "230.00",
    stock: 4,
    sku: "DAL-BRS-1L",
  },
  {
    handle: "finjan-cups-set",
    title: "Finjan Cups Set of 6",
    type: "Cups",
    tags: ["finjan", "cups", "coffee", "gift"],
    collections: ["dates-coffee", "eid-gifts"],
    html: "<p>Porcelain finjan cups for Arabic coffee.</p>",
    options: [["Style", ["Gold Rim", "Plain"]]],
    price: "89.00",
    stock: [14, 9],
    sku: "FNJ-SET6",
  },
  // Home décor --------------------------------------------------------------------------------
  {
    handle: "mashrabiya-lantern",
    title: "Mashrabiya Lantern",
    type: "Lantern",
    tags: ["lantern", "mashrabiya", "ramadan", "decor"],
    collections: ["home-decor"],
    html: "<p>Laser-cut metal lantern that throws mashrabiya patterns on the wall.</p>",
    options: [["Size", ["Small", "Large"]]],
    price: ["145.00", "235.00"],
    stock: [6, 0],
    sku: "LNT-MSH",
  },
  {
    handle: "sadu-cushion-cover",
    title: "Sadu Cushion Cover",
    type: "Cushion",
    tags: ["sadu", "cushion", "red", "black", "decor"],
    collections: ["home-decor"],
    html: "<p>Woven Sadu pattern, 45 × 45 cm, insert not included.</p>",
    options: [["Color", ["Red", "Black"]]],
    price: "69.00",
    stock: [15, 10],
    sku: "CSH-SADU",
  },
  {
    handle: "arabic-calligraphy-canvas",
    title: "Arabic Calligraphy Canvas",
    type: "Wall art",
    tags: ["calligraphy", "canvas", "wall", "decor"],
    collections: ["home-decor"],
    html: "<p>Thuluth calligraphy print on stretched canvas.</p>",
    options: [["Size", ["60 x 90 cm", "90 x 120 cm"]]],
    price: ["320.00", "520.00"],
    stock: [3, 2],
    sku: "ART-CAL",
  },
  {
    handle: "majlis-floor-cushion",
    title: "Majlis Floor Cushion",
    type: "Cushion",
    tags: ["majlis", "cushion", "floor", "decor"],
    collections: ["home-decor"],
    html: "<p>Firm majlis floor cushion with a removable cover.</p>",
    price: "390.00",
    stock: 1,
    sku: "MJL-FLR",
  },
  {
    handle: "marble-incense-tray",
    title: "Marble Incense Tray",
    type: "Tray",
    tags: ["marble", "tray", "incense", "decor"],
    collections: ["home-decor"],
    html: "<p>White marble tray with brass inlay.</p>",
    price: "119.00",
    stock: 7,
    sku: "TRY-MRB",
  },
  {
    handle: "velvet-prayer-mat",
    title: "Velvet Prayer Mat",
    type: "Prayer mat",
    tags: ["prayer", "mat", "sajjada", "velvet", "gift"],
    collections: ["home-decor"],
    html: "<p>Padded velvet sajjada with a travel pouch.</p>",
    options: [["Color", ["Green", "Burgundy", "Navy"]]],
    price: "99.00",
    stock: [10, 0, 5],
    sku: "PRM-VLV",
  },
  // Kids --------------------------------------------------------------------------------------
  {
    handle: "girls-eid-dress",
    title: "Girls' Eid Dress",
    type: "Dress",
    tags: ["kids", "girls", "dress", "eid"],
    collections: ["kids"],
    html: "<p>Tulle party dress with a satin sash.</p>",
    options: [["Size", ["4Y", "6Y", "8Y", "10Y"]]],
    price: "189.00",
    stock: [3, 5, 0, 2],
    sku: "KID-DRS-EID",
  },
  {
    handle: "boys-thobe",
    title: "Boys' Thobe",
    type: "Thobe",
    tags: ["kids", "boys", "thobe", "white"],
    collections: ["kids"],
    html: "<p>Classic white thobe in breathable cotton blend.</p>",
    options: [["Size", ["4Y", "6Y", "8Y", "10Y", "12Y"]]],
    price: "149.00",
    stock: [6, 6, 6, 4, 0],
    sku: "KID-THB-WHT",
  },
  {
    handle: "kids-prayer-set",
    title: "Kids' Prayer Set",
    type: "Prayer set",
    tags: ["kids", "prayer", "gift"],
    collections: ["kids", "eid-gifts"],
    html: "<p>Mini prayer mat, prayer beads and a story book.</p>",
    price: "129.00",
    stock: 9,
    sku: "KID-PRY-SET",
  },
  {
    handle: "arabic-alphabet-puzzle",
    title: "Arabic Alphabet Wooden Puzzle",
    type: "Toy",
    tags: ["kids", "puzzle", "arabic", "learning", "toy"],
    collections: ["kids"],
    html: "<p>28 chunky wooden letters, ages 2+.</p>",
    price: "79.00",
    stock: 20,
    sku: "KID-PZL-ABC",
  },
  {
    handle: "girls-mini-abaya",
    title: "Girls' Mini Abaya",
    type: "Abaya",
    tags: ["kids", "girls", "abaya", "black"],
    collections: ["kids", "abayas"],
    html: "<p>A mini version of our Classic Black Abaya.</p>",
    options: [["Size", ["6Y", "8Y", "10Y"]]],
    price: "199.00",
    stock: [4, 4, 1],
    sku: "KID-ABY-BLK",
  },
  {
    handle: "kids-hijab-pack",
    title: "Kids' Hijab Pack",
    type: "Hijab",
    tags: ["kids", "hijab"],
    collections: ["kids"],
    html: "<p>Discontinued.</p>",
    price: "59.00",
    stock: 0,
    sku: "KID-HIJ-PCK",
    status: "ARCHIVED",
  },
];

const PRODUCT_BASE = 9_100_000_000_000;
const VARIANT_BASE = 49_100_000_000_000;

function cartesian(options: [string, string[]][]): { name: string; value: string }[][] {
  return options.reduce<{ name: string; value: string }[][]>(
    (combos, [name, values]) => combos.flatMap((combo) => values.map((value) => [...combo, { name, value }])),
    [[]],
  );
}

function skuPart(value: string): string {
  return value
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, "")
    .slice(0, 4);
}

function buildProduct(seed: ProductSeed, index: number): DemoProduct {
  const id = String(PRODUCT_BASE + (index + 1) * 1000);
  const combos = seed.options ? cartesian(seed.options) : [[{ name: "Title", value: "Default Title" }]];
  const pick = <T>(value: T | T[], i: number): T => (Array.isArray(value) ? value[i] : value);
  const variants = combos.map((options, i) => ({
    id: String(VARIANT_BASE + (index + 1) * 1000 + i + 1),
    title: options.map((o) => o.value).join(" / "),
    sku: seed.options ? [seed.sku, ...options.map((o) => skuPart(o.value))].join("-") : seed.sku,
    price: pick(seed.price, i),
    inventory: pick(seed.stock, i),
    options,
  }));
  return {
    id,
    handle: seed.handle,
    title: seed.title,
    status: seed.status ?? "ACTIVE",
    productType: seed.type,
    vendor: seed.vendor ?? DEMO_SHOP_NAME,
    tags: seed.tags,
    descriptionHtml: seed.html,
    imagePath: `/demo-images/${seed.handle}.svg`,
    collections: seed.collections,
    // Fixed, one day apart, so that "newest" orderings are stable.
    createdAt: new Date(Date.UTC(2026, 0, 1 + index, 9, 0, 0)).toISOString(),
    variants,
  };
}

export const demoProducts: readonly DemoProduct[] = SEEDS.map(buildProduct);

// ---------------------------------------------------------------------------------------------
// The store
// ---------------------------------------------------------------------------------------------

export interface DemoMoney {
  amount: string;
  currencyCode: string;
}

export interface DemoLineItem {
  variantId: string;
  productId: string;
  title: string;
  variantTitle: string;
  sku: string;
  quantity: number;
  unitPrice: string;
}

export interface DemoAttribute {
  key: string;
  value: string;
}

export interface DemoDraftOrder {
  id: string;
  name: string;
  status: "OPEN" | "COMPLETED";
  invoiceUrl: string;
  lineItems: DemoLineItem[];
  total: DemoMoney;
  phone: string | null;
  email: string | null;
  tags: string[];
  customAttributes: DemoAttribute[];
  note: string | null;
  createdAt: string;
  orderId: string | null;
}

export interface DemoTracking {
  url: string | null;
  number: string | null;
  company: string | null;
}

export interface DemoFulfillment {
  id: string;
  createdAt: string;
  tracking: DemoTracking[];
}

export interface DemoCustomer {
  id: string;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  email: string | null;
  locale: string;
}

export type DemoFinancialStatus = "PAID" | "PENDING" | "AUTHORIZED" | "REFUNDED";

export interface DemoOrder {
  id: string;
  name: string;
  createdAt: string;
  financialStatus: DemoFinancialStatus;
  fulfillmentStatus: "UNFULFILLED" | "FULFILLED";
  lineItems: DemoLineItem[];
  total: DemoMoney;
  phone: string | null;
  email: string | null;
  shippingPhone: string | null;
  customerId: string | null;
  customerLocale: string | null;
  tags: string[];
  customAttributes: DemoAttribute[];
  note: string | null;
  statusPageUrl: string;
  fulfillments: DemoFulfillment[];
  draftOrderId: string | null;
}

export interface DemoUserError {
  field: string[] | null;
  message: string;
}

export interface DemoDraftOrderInput {
  lineItems?: { variantId?: string | null; quantity: number }[] | null;
  phone?: string | null;
  email?: string | null;
  tags?: string[] | null;
  customAttributes?: DemoAttribute[] | null;
  note?: string | null;
}

export interface DemoStoreOptions {
  shopDomain?: string;
  shopName?: string;
  currencyCode?: string;
  /** Prefix of image URLs (e.g. `http://localhost:3000`); default "" keeps `/demo-images/…` paths. */
  imageBaseUrl?: string;
  /** Clock for createdAt values; default the real time. */
  now?: () => Date;
  catalog?: { products: readonly DemoProduct[]; collections: readonly DemoCollection[] };
}

const DRAFT_BASE = 1_150_000_000_000;
const ORDER_BASE = 6_200_000_000_000;
const CUSTOMER_BASE = 8_300_000_000_000;
const FULFILLMENT_BASE = 5_400_000_000_000;

/** Digits only, for phone comparisons (`+966 50-123` → `96650123`). */
export function phoneDigits(value: string | null | undefined): string {
  return (value ?? "").replace(/\D/g, "");
}

export class DemoShopifyStore {
  readonly shopDomain: string;
  readonly shopName: string;
  readonly currencyCode: string;
  readonly imageBaseUrl: string;
  private readonly now: () => Date;
  private readonly seed: { products: readonly DemoProduct[]; collections: readonly DemoCollection[] };

  products: DemoProduct[] = [];
  collections: DemoCollection[] = [];
  draftOrders: DemoDraftOrder[] = [];
  orders: DemoOrder[] = [];
  customers: DemoCustomer[] = [];
  private counter = 0;

  constructor(options: DemoStoreOptions = {}) {
    this.shopDomain = options.shopDomain ?? DEMO_SHOP_DOMAIN;
    this.shopName = options.shopName ?? DEMO_SHOP_NAME;
    this.currencyCode = options.currencyCode ?? DEMO_CURRENCY;
    this.imageBaseUrl = (options.imageBaseUrl ?? "").replace(/\/+$/, "");
    this.now = options.now ?? (() => new Date());
    this.seed = options.catalog ?? { products: demoProducts, collections: demoCollections };
    this.reset();
  }

  /** Back to the seeded catalog (stock included), with no drafts, orders or customers. */
  reset(): void {
    this.products = structuredClone(this.seed.products) as DemoProduct[];
    this.collections = structuredClone(this.seed.collections) as DemoCollection[];
    this.draftOrders = [];
    this.orders = [];
    this.customers = [];
    this.counter = 0;
  }

  // -- catalog ------------------------------------------------------------------------------

  imageUrl(product: DemoProduct): string {
    return `${this.imageBaseUrl}${product.imagePath}`;
  }

  findProduct(id: string): DemoProduct | undefined {
    const legacy = legacyOf(id, "Product");
    return this.products.find((p) => p.id === legacy);
  }

  findVariant(id: string): { product: DemoProduct; variant: DemoVariant } | undefined {
    const legacy = legacyOf(id, "ProductVariant");
    for (const product of this.products) {
      const variant = product.variants.find((v) => v.id === legacy);
      if (variant) return { product, variant };
    }
    return undefined;
  }

  findCollection(id: string): DemoCollection | undefined {
    const legacy = legacyOf(id, "Collection");
    return this.collections.find((c) => c.id === legacy);
  }

  /** Every product of the collection, drafts included (as the Admin API returns them). */
  collectionProducts(collection: DemoCollection): DemoProduct[] {
    return this.products.filter((p) => p.collections.includes(collection.handle));
  }

  isVariantAvailable(product: DemoProduct, variant: DemoVariant): boolean {
    return product.status === "ACTIVE" && (variant.inventory === null || variant.inventory > 0);
  }

  /** Sets the stock of a variant (by id or SKU); null = not tracked. */
  setInventory(variantIdOrSku: string, inventory: number | null): void {
    const found =
      this.findVariant(variantIdOrSku) ??
      this.products
        .flatMap((product) => product.variants.map((variant) => ({ product, variant })))
        .find((x) => x.variant.sku === variantIdOrSku);
    if (!found) throw new Error(`No demo variant ${variantIdOrSku}`);
    found.variant.inventory = inventory;
  }

  // -- draft orders -------------------------------------------------------------------------

  /** `draftOrderCreate`: the draft, or Shopify-style userErrors (and no draft). */
  createDraftOrder(input: DemoDraftOrderInput): {
    draftOrder: DemoDraftOrder | null;
    userErrors: DemoUserError[];
  } {
    const userErrors: DemoUserError[] = [];
    const lines: DemoLineItem[] = [];
    const items = input.lineItems ?? [];
    if (items.length === 0) userErrors.push({ field: ["lineItems"], message: "Add at least 1 product" });
    items.forEach((item, i) => {
      const found = item.variantId ? this.findVariant(item.variantId) : undefined;
      if (!found) {
        userErrors.push({
          field: ["lineItems", String(i), "variantId"],
          message: `Product variant ${item.variantId ?? "(none)"} does not exist`,
        });
        return;
      }
      if (item.quantity < 1) {
        userErrors.push({
          field: ["lineItems", String(i), "quantity"],
          message: "Quantity must be greater than or equal to 1",
        });
        return;
      }
      if (!this.isVariantAvailable(found.product, found.variant)) {
        userErrors.push({
          field: ["lineItems", String(i), "variantId"],
          message: `${found.product.title} - ${found.variant.title} is not available`,
        });
        return;
      }
      lines.push(lineItem(found.product, found.variant, item.quantity));
    });
    const phone = input.phone ? input.phone.replace(/[\s-]/g, "") : null;
    if (phone && !/^\+?[1-9]\d{7,14}$/.test(phone))
      userErrors.push({ field: ["phone"], message: "Phone is invalid" });
    if (userErrors.length > 0) return { draftOrder: null, userErrors };

    const n = ++this.counter;
    const draft: DemoDraftOrder = {
      id: String(DRAFT_BASE + n),
      name: `#D${this.draftOrders.length + 1}`,
      status: "OPEN",
      invoiceUrl: `https://${this.shopDomain}/invoices/${this.token("draft", n)}`,
      lineItems: lines,
      total: this.sum(lines),
      phone: phone ? (phone.startsWith("+") ? phone : `+${phone}`) : null,
      email: input.email ?? null,
      tags: input.tags ?? [],
      customAttributes: (input.customAttributes ?? []).map((a) => ({ key: a.key, value: a.value })),
      note: input.note ?? null,
      createdAt: this.now().toISOString(),
      orderId: null,
    };
    this.draftOrders.push(draft);
    return { draftOrder: draft, userErrors: [] };
  }

  findDraftOrder(id: string): DemoDraftOrder | undefined {
    const legacy = legacyOf(id, "DraftOrder");
    return this.draftOrders.find((d) => d.id === legacy);
  }

  /** The invoice (checkout) URL whose token is `token`, for a fake checkout page. */
  findDraftOrderByInvoiceToken(token: string): DemoDraftOrder | undefined {
    return this.draftOrders.find((d) => d.invoiceUrl.endsWith(`/invoices/${token}`));
  }

  // -- orders -------------------------------------------------------------------------------

  /**
   * The shopper pays the invoice: completes the draft, creates the order (paid, unfulfilled), takes the stock,
   * and creates or updates the customer by phone.
   */
  placeOrder(
    draftOrderId: string,
    options: {
      customer?: { firstName?: string; lastName?: string; phone?: string; email?: string; locale?: string };
      /** Overrides the order phone (default: the draft's). */
      phone?: string | null;
      shippingPhone?: string | null;
      financialStatus?: DemoFinancialStatus;
    } = {},
  ): DemoOrder {
    const draft = this.findDraftOrder(draftOrderId);
    if (!draft) throw new Error(`No demo draft order ${draftOrderId}`);
    if (draft.status === "COMPLETED") throw new Error(`Draft order ${draftOrderId} is already completed`);
    const phone = options.phone !== undefined ? options.phone : draft.phone;
    const customer = this.upsertCustomer({
      phone: options.customer?.phone ?? phone ?? undefined,
      email: options.customer?.email ?? draft.email ?? undefined,
      firstName: options.customer?.firstName,
      lastName: options.customer?.lastName,
      locale: options.customer?.locale,
    });
    for (const line of draft.lineItems) {
      const found = this.findVariant(line.variantId);
      if (found && found.variant.inventory !== null) {
        found.variant.inventory = Math.max(0, found.variant.inventory - line.quantity);
      }
    }
    const n = ++this.counter;
    const order: DemoOrder = {
      id: String(ORDER_BASE + n),
      name: `#${1001 + this.orders.length}`,
      createdAt: this.now().toISOString(),
      financialStatus: options.financialStatus ?? "PAID",
      fulfillmentStatus: "UNFULFILLED",
      lineItems: draft.lineItems.map((l) => ({ ...l })),
      total: { ...draft.total },
      phone: phone ?? null,
      email: draft.email,
      shippingPhone: options.shippingPhone ?? null,
      customerId: customer?.id ?? null,
      customerLocale: customer?.locale ?? null,
      tags: [...draft.tags],
      customAttributes: draft.customAttributes.map((a) => ({ ...a })),
      note: draft.note,
      statusPageUrl: `https://${this.shopDomain}/orders/${this.token("order", n)}/authenticate`,
      fulfillments: [],
      draftOrderId: draft.id,
    };
    draft.status = "COMPLETED";
    draft.orderId = order.id;
    this.orders.push(order);
    return order;
  }

  findOrder(id: string): DemoOrder | undefined {
    const legacy = legacyOf(id, "Order");
    return this.orders.find((o) => o.id === legacy);
  }

  /** Ships the order, with optional tracking. */
  fulfillOrder(
    orderId: string,
    tracking: { trackingUrl?: string | null; trackingNumber?: string | null; company?: string | null } = {},
  ): DemoOrder {
    const order = this.findOrder(orderId);
    if (!order) throw new Error(`No demo order ${orderId}`);
    const n = ++this.counter;
    const info: DemoTracking[] =
      tracking.trackingUrl || tracking.trackingNumber
        ? [
            {
              url: tracking.trackingUrl ?? null,
              number: tracking.trackingNumber ?? null,
              company: tracking.company ?? null,
            },
          ]
        : [];
    order.fulfillments.push({
      id: String(FULFILLMENT_BASE + n),
      createdAt: this.now().toISOString(),
      tracking: info,
    });
    order.fulfillmentStatus = "FULFILLED";
    return order;
  }

  findCustomer(id: string): DemoCustomer | undefined {
    const legacy = legacyOf(id, "Customer");
    return this.customers.find((c) => c.id === legacy);
  }

  /** Newest first (creation time, then creation order). */
  ordersNewestFirst(): DemoOrder[] {
    return this.orders
      .map((order, index) => ({ order, index }))
      .sort((a, b) => b.order.createdAt.localeCompare(a.order.createdAt) || b.index - a.index)
      .map((x) => x.order);
  }

  // -- helpers ------------------------------------------------------------------------------

  private upsertCustomer(data: {
    phone?: string;
    email?: string;
    firstName?: string;
    lastName?: string;
    locale?: string;
  }): DemoCustomer | null {
    if (!data.phone && !data.email) return null;
    const existing = this.customers.find(
      (c) =>
        (data.phone && phoneDigits(c.phone) === phoneDigits(data.phone)) ||
        (data.email && c.email?.toLowerCase() === data.email.toLowerCase()),
    );
    if (existing) {
      existing.firstName = data.firstName ?? existing.firstName;
      existing.lastName = data.lastName ?? existing.lastName;
      existing.phone = existing.phone ?? data.phone ?? null;
      existing.email = existing.email ?? data.email ?? null;
      return existing;
    }
    const customer: DemoCustomer = {
      id: String(CUSTOMER_BASE + ++this.counter),
      firstName: data.firstName ?? null,
      lastName: data.lastName ?? null,
      phone: data.phone ?? null,
      email: data.email ?? null,
      locale: data.locale ?? "en",
    };
    this.customers.push(customer);
    return customer;
  }

  private sum(lines: DemoLineItem[]): DemoMoney {
    const cents = lines.reduce((total, l) => total + Math.round(Number(l.unitPrice) * 100) * l.quantity, 0);
    return { amount: (cents / 100).toFixed(2), currencyCode: this.currencyCode };
  }

  /** Deterministic, unguessable-looking tokens (same shop + sequence → same token). */
  private token(kind: string, n: number): string {
    return createHash("sha256").update(`${this.shopDomain}:${kind}:${n}`).digest("hex").slice(0, 32);
  }
}

function lineItem(product: DemoProduct, variant: DemoVariant, quantity: number): DemoLineItem {
  return {
    variantId: variant.id,
    productId: product.id,
    title: product.title,
    variantTitle: variant.title,
    sku: variant.sku,
    quantity,
    unitPrice: variant.price,
  };
}

/** Numeric id from a GID of the given resource or a numeric string; "" when it is neither. */
function legacyOf(id: string, resource: string): string {
  const text = id.trim();
  if (/^\d+$/.test(text)) return text;
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)$/.exec(text);
  return match && match[1] === resource ? match[2] : "";
}
