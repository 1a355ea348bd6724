-- CreateIndex
CREATE INDEX "Conversation_shop_needsAttention_lastMessageAt_idx" ON "Conversation"("shop", "needsAttention", "lastMessageAt");


-- Written by hand (Prisma cannot express expression indexes): the inbox's message-text search.
-- 'simple' keeps words as they are (no language stemming), so English and Arabic are searched alike;
-- plain PostgreSQL, no extension, so it applies on PGlite and PostgreSQL. Queries must use the same
-- expression: to_tsvector('simple', coalesce("text", '')) @@ to_tsquery('simple', …).
CREATE INDEX "Message_text_search_idx" ON "Message" USING GIN (to_tsvector('simple'::regconfig, coalesce("text", '')));
