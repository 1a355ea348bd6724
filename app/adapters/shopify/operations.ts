/**
 * Every Admin GraphQL operation Hala sends, as plain `#graphql` strings (editor highlighting, no build step).
 *
 * Rules, enforced by `tests/shopify-operations.test.ts` for every string exported from this module:
 * - it is one named operation that validates against the Admin schema of `ADMIN_API_VERSION`;
 * - literal `first:` arguments are ≤ 50 (page sizes passed as variables are clamped in code, see `clampFirst`);
 * - it selects only fields the mapping code reads (query cost and protected customer data both matter).
 *
 * Fragments are module-private and interpolated, so that every export stays a complete, valid document.
 * Prices: `ProductVariant.price` is a bare decimal in the shop's currency, so operations returning variants
 * also select `shop { currencyCode }`.
 */

/** Product images are served as JPEG ≤ 1024 px: WhatsApp accepts only JPEG/PNG up to 5 MB. */
const PRODUCT_IMAGE = `#graphql
  featuredMedia {
    preview {
      image {
        url(transform: { maxWidth: 1024, maxHeight: 1024, preferredContentType: JPG })
      }
    }
  }
`;

const VARIANT_FIELDS = `#graphql
  fragment HalaVariantFields on ProductVariant {
    id
    title
    sku
    price
    availableForSale
    inventoryQuantity
  }
`;

/** What a list row / product card needs. Lists read the first 10 variants only (enough to know availability). */
const PRODUCT_SUMMARY_FIELDS = `#graphql
  fragment HalaProductSummaryFields on Product {
    id
    title
    handle
    status
    ${PRODUCT_IMAGE}
    priceRangeV2 {
      minVariantPrice { amount currencyCode }
      maxVariantPrice { amount currencyCode }
    }
    variants(first: 10) {
      nodes { ...HalaVariantFields }
    }
  }
  ${VARIANT_FIELDS}
`;

/** A variant together with the product it belongs to (cart validation, catalog orders). */
const VARIANT_WITH_PRODUCT_FIELDS = `#graphql
  fragment HalaVariantWithProductFields on ProductVariant {
    ...HalaVariantFields
    product {
      id
      title
      handle
      status
      ${PRODUCT_IMAGE}
    }
  }
  ${VARIANT_FIELDS}
`;

const MONEY_BAG = `#graphql
  presentmentMoney { amount currencyCode }
`;

const ORDER_SUMMARY_FIELDS = `#graphql
  fragment HalaOrderSummaryFields on Order {
    id
    name
    createdAt
    displayFinancialStatus
    displayFulfillmentStatus
    totalPriceSet { ${MONEY_BAG} }
    statusPageUrl
    fulfillments(first: 5) {
      trackingInfo(first: 5) { url number company }
    }
  }
`;

// ---------------------------------------------------------------------------------------------
// Catalog
// ---------------------------------------------------------------------------------------------

/** Collections published to the online store, by title, one page at a time. */
export const LIST_COLLECTIONS = `#graphql
  query HalaListCollections($first: Int!, $after: String) {
    collections(first: $first, after: $after, sortKey: TITLE, query: "published_status:published") {
      nodes {
        id
        title
        productsCount { count }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

export const COLLECTION_PRODUCTS = `#graphql
  query HalaCollectionProducts($id: ID!, $first: Int!, $after: String) {
    collection(id: $id) {
      id
      products(first: $first, after: $after, sortKey: COLLECTION_DEFAULT) {
        nodes { ...HalaProductSummaryFields }
        pageInfo { hasNextPage endCursor }
      }
    }
    shop { currencyCode }
  }
  ${PRODUCT_SUMMARY_FIELDS}
`;

/** `$query` is built by `buildProductSearchQuery` (sanitised Shopify search syntax), never raw shopper text. */
export const SEARCH_PRODUCTS = `#graphql
  query HalaSearchProducts($query: String!, $first: Int!, $after: String) {
    products(first: $first, after: $after, query: $query, sortKey: RELEVANCE) {
      nodes { ...HalaProductSummaryFields }
      pageInfo { hasNextPage endCursor }
    }
    shop { currencyCode }
  }
  ${PRODUCT_SUMMARY_FIELDS}
`;

export const PRODUCT_BY_ID = `#graphql
  query HalaProductById($id: ID!) {
    product(id: $id) {
      id
      title
      handle
      status
      description
      descriptionHtml
      ${PRODUCT_IMAGE}
      priceRangeV2 {
        minVariantPrice { amount currencyCode }
        maxVariantPrice { amount currencyCode }
      }
      variants(first: 50) {
        nodes { ...HalaVariantFields }
      }
    }
    shop { currencyCode }
  }
  ${VARIANT_FIELDS}
`;

/** Cart validation: current price and availability of the variants in a cart (≤ 50 ids per call). */
export const VARIANTS_BY_IDS = `#graphql
  query HalaVariantsByIds($ids: [ID!]!) {
    nodes(ids: $ids) {
      __typename
      ... on ProductVariant { ...HalaVariantWithProductFields }
    }
    shop { currencyCode }
  }
  ${VARIANT_WITH_PRODUCT_FIELDS}
`;

/** Catalog (WhatsApp "order" message) matching by SKU; `$query` is `sku:"A" OR sku:"B"`, built in code. */
export const VARIANTS_BY_SKU = `#graphql
  query HalaVariantsBySku($query: String!, $first: Int!) {
    productVariants(first: $first, query: $query) {
      nodes { ...HalaVariantWithProductFields }
    }
    shop { currencyCode }
  }
  ${VARIANT_WITH_PRODUCT_FIELDS}
`;

export const SHOP_INFO = `#graphql
  query HalaShopInfo {
    shop {
      name
      currencyCode
      myshopifyDomain
      primaryDomain { url }
    }
  }
`;

// ---------------------------------------------------------------------------------------------
// Checkout
// ---------------------------------------------------------------------------------------------

export const DRAFT_ORDER_CREATE = `#graphql
  mutation HalaDraftOrderCreate($input: DraftOrderInput!) {
    draftOrderCreate(input: $input) {
      draftOrder {
        id
        invoiceUrl
        totalPriceSet { ${MONEY_BAG} }
      }
      userErrors { field message }
    }
  }
`;

// ---------------------------------------------------------------------------------------------
// Orders
// ---------------------------------------------------------------------------------------------

/**
 * A shopper's recent orders, newest first. `phone:` is not in the documented `orders` filter list of
 * 2026-10 and Shopify ignores unknown filters (it would then return everybody's orders), so the phone
 * fields are selected too and `recentOrdersByPhone` keeps only orders whose phone really matches.
 */
export const RECENT_ORDERS_BY_PHONE = `#graphql
  query HalaRecentOrdersByPhone($query: String!, $first: Int!) {
    orders(first: $first, query: $query, sortKey: CREATED_AT, reverse: true) {
      nodes {
        ...HalaOrderSummaryFields
        phone
        shippingAddress { phone }
        customer { defaultPhoneNumber { phoneNumber } }
      }
    }
  }
  ${ORDER_SUMMARY_FIELDS}
`;

/** Fallback through the documented `customers(query: "phone:…")` filter, when the order filter finds nothing. */
export const CUSTOMER_ORDERS_BY_PHONE = `#graphql
  query HalaCustomerOrdersByPhone($query: String!, $first: Int!) {
    customers(first: 1, query: $query) {
      nodes {
        id
        defaultPhoneNumber { phoneNumber }
        orders(first: $first, sortKey: CREATED_AT, reverse: true) {
          nodes { ...HalaOrderSummaryFields }
        }
      }
    }
  }
  ${ORDER_SUMMARY_FIELDS}
`;

/** One order, for feedback requests and attribution (the conversation id travels in `customAttributes`). */
export const ORDER_BY_ID = `#graphql
  query HalaOrderById($id: ID!) {
    order(id: $id) {
      ...HalaOrderSummaryFields
      phone
      customerLocale
      customAttributes { key value }
      customer {
        firstName
        defaultPhoneNumber { phoneNumber }
      }
    }
  }
  ${ORDER_SUMMARY_FIELDS}
`;

// ---------------------------------------------------------------------------------------------
// Storefront button
// ---------------------------------------------------------------------------------------------

/** The app installation, owner of the app-data metafields the theme app extension reads (`app.metafields`). */
export const CURRENT_APP_INSTALLATION = `#graphql
  query HalaCurrentAppInstallation {
    currentAppInstallation { id }
  }
`;

export const METAFIELDS_SET = `#graphql
  mutation HalaMetafieldsSet($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields { key namespace }
      userErrors { field message }
    }
  }
`;
