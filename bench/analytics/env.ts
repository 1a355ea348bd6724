/**
 * Imported first by the analytics benchmark scripts: the app's required variables get harmless defaults
 * (the benchmark never talks to Shopify or Meta) and logs stay quiet, before any app module reads them.
 */
process.env.SHOPIFY_API_KEY ??= "bench-api-key";
process.env.SHOPIFY_API_SECRET ??= "bench-api-secret";
process.env.SHOPIFY_APP_URL ??= "https://hala.bench";
process.env.ENCRYPTION_KEY ??= "k1:" + Buffer.alloc(32, 7).toString("base64");
process.env.HALA_WORKERS = "false";
process.env.LOG_LEVEL ??= "silent";
