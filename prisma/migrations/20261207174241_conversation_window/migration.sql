-- Hand-written: the 24-hour customer service window is the conversation's "lastInboundAt" alone. One
-- conversation per contact (unique (shop, contactId)), and every inbound message wrote the same time into both
-- rows: the contact's copy cost each known shopper's message a new row version of the contact and its three
-- index entries (the turn statement, docs/decisions/010-hot-path-sql.md). The readers (the outbox's claim, the
-- away message, the feedback request, the inbox) read the conversation's. A conversation that somehow holds an
-- older time than its contact takes the contact's first, so that no open window closes.
UPDATE "Conversation" v
SET "lastInboundAt" = c."lastInboundAt"
FROM "Contact" c
WHERE c.id = v."contactId" AND c.shop = v.shop AND c."lastInboundAt" IS NOT NULL
  AND (v."lastInboundAt" IS NULL OR v."lastInboundAt" < c."lastInboundAt");

-- AlterTable
ALTER TABLE "Contact" DROP COLUMN "lastInboundAt";
