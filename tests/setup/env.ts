// Environment of the integration tests. The project decides the backends: the "embedded" project clears
// DATABASE_URL/REDIS_URL (PGlite in memory + in-process cache); the "services" project keeps them.
process.env.NODE_ENV = "test";
process.env.SHOPIFY_API_KEY ??= "test-api-key";
process.env.SHOPIFY_API_SECRET ??= "test-api-secret";
process.env.SHOPIFY_APP_URL ??= "https://hala.test";
process.env.ENCRYPTION_KEY ??= "k1:" + Buffer.alloc(32, 7).toString("base64");
process.env.HALA_WORKERS = "false";
process.env.LOG_LEVEL ??= "silent";
if (!process.env.DATABASE_URL) process.env.PGLITE_DATA_DIR = "memory://";
else delete process.env.PGLITE_DATA_DIR;
