-- Covering index for the analytics page's message aggregations (hand-written: Prisma cannot express INCLUDE).
-- bench:analytics, 100k messages / 10k contacts, 30 days on PostgreSQL: loader p95 179 ms → 97 ms.
CREATE INDEX "Message_shop_createdAt_analytics_idx" ON "Message" ("shop", "createdAt")
  INCLUDE ("conversationId", "direction", "author", "status");
