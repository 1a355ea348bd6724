-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" TIMESTAMP(3),
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN NOT NULL DEFAULT false,
    "locale" TEXT,
    "collaborator" BOOLEAN DEFAULT false,
    "emailVerified" BOOLEAN DEFAULT false,
    "refreshToken" TEXT,
    "refreshTokenExpires" TIMESTAMP(3),

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Shop" (
    "shop" TEXT NOT NULL,
    "name" TEXT,
    "currencyCode" TEXT NOT NULL DEFAULT 'USD',
    "botEnabled" BOOLEAN NOT NULL DEFAULT true,
    "defaultLanguage" TEXT NOT NULL DEFAULT 'en',
    "welcomeMessageEn" TEXT,
    "welcomeMessageAr" TEXT,
    "awayMessageEn" TEXT,
    "awayMessageAr" TEXT,
    "reviewUrl" TEXT,
    "feedbackEnabled" BOOLEAN NOT NULL DEFAULT true,
    "feedbackDelayMinutes" INTEGER NOT NULL DEFAULT 1440,
    "feedbackTemplateName" TEXT,
    "feedbackTemplateLanguage" TEXT,
    "notifyEmail" TEXT,
    "notifyWebhookUrl" TEXT,
    "idleTimeoutMinutes" INTEGER NOT NULL DEFAULT 1440,
    "needsAttentionCount" INTEGER NOT NULL DEFAULT 0,
    "installedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Shop_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "AiSettings" (
    "shop" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "baseUrl" TEXT NOT NULL DEFAULT 'https://openrouter.ai/api/v1',
    "model" TEXT NOT NULL DEFAULT 'openai/gpt-4o-mini',
    "apiKeyEnc" TEXT,
    "systemPrompt" TEXT,
    "tone" TEXT,
    "storeFacts" TEXT,
    "maxReplyChars" INTEGER NOT NULL DEFAULT 600,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AiSettings_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "WhatsAppAccount" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "phoneNumberId" TEXT NOT NULL,
    "wabaId" TEXT NOT NULL,
    "displayPhoneNumber" TEXT,
    "displayName" TEXT,
    "qualityRating" TEXT,
    "accessTokenEnc" TEXT NOT NULL,
    "appSecretEnc" TEXT,
    "verifyToken" TEXT NOT NULL,
    "messagesPerSecond" INTEGER NOT NULL DEFAULT 80,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WhatsAppAccount_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Contact" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "waId" TEXT NOT NULL,
    "name" TEXT,
    "language" TEXT,
    "botEnabled" BOOLEAN NOT NULL DEFAULT true,
    "blocked" BOOLEAN NOT NULL DEFAULT false,
    "optedOut" BOOLEAN NOT NULL DEFAULT false,
    "shopifyCustomerId" TEXT,
    "lastInboundAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Contact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Conversation" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "contactId" TEXT NOT NULL,
    "accountId" TEXT,
    "state" JSONB NOT NULL,
    "stateVersion" INTEGER NOT NULL DEFAULT 1,
    "feedback" JSONB,
    "status" TEXT NOT NULL DEFAULT 'bot',
    "needsAttention" BOOLEAN NOT NULL DEFAULT false,
    "unreadCount" INTEGER NOT NULL DEFAULT 0,
    "lastInboundAt" TIMESTAMP(3),
    "lastMessageAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Conversation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Message" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "contactId" TEXT NOT NULL,
    "direction" TEXT NOT NULL,
    "author" TEXT NOT NULL,
    "wamid" TEXT,
    "idempotencyKey" TEXT,
    "accountId" TEXT,
    "toWaId" TEXT,
    "type" TEXT NOT NULL,
    "body" JSONB NOT NULL,
    "text" TEXT,
    "status" TEXT NOT NULL,
    "errorCode" INTEGER,
    "errorTitle" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3),
    "lockedUntil" TIMESTAMP(3),
    "sentAt" TIMESTAMP(3),
    "deliveredAt" TIMESTAMP(3),
    "readAt" TIMESTAMP(3),
    "failedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InboundEvent" (
    "id" TEXT NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "phoneNumberId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "waId" TEXT,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "availableAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMP(3),

    CONSTRAINT "InboundEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Checkout" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "contactId" TEXT NOT NULL,
    "draftOrderId" TEXT NOT NULL,
    "invoiceUrl" TEXT NOT NULL,
    "lines" JSONB NOT NULL,
    "totalAmount" DECIMAL(14,2),
    "currencyCode" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Checkout_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrderAttribution" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "orderName" TEXT,
    "conversationId" TEXT,
    "contactId" TEXT,
    "checkoutId" TEXT,
    "phone" TEXT,
    "customerId" TEXT,
    "totalAmount" DECIMAL(14,2),
    "currencyCode" TEXT,
    "fulfilledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OrderAttribution_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Feedback" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "orderName" TEXT,
    "contactId" TEXT,
    "conversationId" TEXT,
    "rating" INTEGER,
    "comment" TEXT,
    "language" TEXT,
    "sentimentLabel" TEXT,
    "sentimentScore" DOUBLE PRECISION,
    "sentimentSource" TEXT,
    "outcome" TEXT,
    "status" TEXT NOT NULL DEFAULT 'requested',
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "answeredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Feedback_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ScheduledJob" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "runAt" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lockedUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "doneAt" TIMESTAMP(3),

    CONSTRAINT "ScheduledJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "webhookId" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("webhookId")
);

-- CreateTable
CREATE TABLE "DataRequest" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "customerId" TEXT,
    "phone" TEXT,
    "email" TEXT,
    "ordersRequested" JSONB,
    "export" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DataRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MessageTemplate" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "category" TEXT,
    "components" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MessageTemplate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LlmCall" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "conversationId" TEXT,
    "purpose" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "promptTokens" INTEGER NOT NULL DEFAULT 0,
    "completionTokens" INTEGER NOT NULL DEFAULT 0,
    "latencyMs" INTEGER NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LlmCall_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- CreateIndex
CREATE INDEX "Shop_shop_uninstalledAt_idx" ON "Shop"("shop", "uninstalledAt");

-- CreateIndex
CREATE UNIQUE INDEX "WhatsAppAccount_phoneNumberId_key" ON "WhatsAppAccount"("phoneNumberId");

-- CreateIndex
CREATE UNIQUE INDEX "WhatsAppAccount_verifyToken_key" ON "WhatsAppAccount"("verifyToken");

-- CreateIndex
CREATE INDEX "WhatsAppAccount_shop_idx" ON "WhatsAppAccount"("shop");

-- CreateIndex
CREATE INDEX "Contact_shop_shopifyCustomerId_idx" ON "Contact"("shop", "shopifyCustomerId");

-- CreateIndex
CREATE UNIQUE INDEX "Contact_shop_waId_key" ON "Contact"("shop", "waId");

-- CreateIndex
CREATE INDEX "Conversation_shop_lastMessageAt_idx" ON "Conversation"("shop", "lastMessageAt");

-- CreateIndex
CREATE INDEX "Conversation_shop_status_lastMessageAt_idx" ON "Conversation"("shop", "status", "lastMessageAt");

-- CreateIndex
CREATE UNIQUE INDEX "Conversation_shop_contactId_key" ON "Conversation"("shop", "contactId");

-- CreateIndex
CREATE UNIQUE INDEX "Message_wamid_key" ON "Message"("wamid");

-- CreateIndex
CREATE UNIQUE INDEX "Message_idempotencyKey_key" ON "Message"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Message_shop_conversationId_createdAt_idx" ON "Message"("shop", "conversationId", "createdAt");

-- CreateIndex
CREATE INDEX "Message_shop_createdAt_idx" ON "Message"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "Message_status_nextAttemptAt_idx" ON "Message"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "Message_conversationId_status_idx" ON "Message"("conversationId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "InboundEvent_dedupeKey_key" ON "InboundEvent"("dedupeKey");

-- CreateIndex
CREATE INDEX "InboundEvent_shop_receivedAt_idx" ON "InboundEvent"("shop", "receivedAt");

-- CreateIndex
CREATE INDEX "InboundEvent_status_availableAt_idx" ON "InboundEvent"("status", "availableAt");

-- CreateIndex
CREATE INDEX "InboundEvent_shop_waId_seq_idx" ON "InboundEvent"("shop", "waId", "seq");

-- CreateIndex
CREATE INDEX "Checkout_shop_createdAt_idx" ON "Checkout"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "Checkout_shop_conversationId_idx" ON "Checkout"("shop", "conversationId");

-- CreateIndex
CREATE UNIQUE INDEX "Checkout_shop_draftOrderId_key" ON "Checkout"("shop", "draftOrderId");

-- CreateIndex
CREATE INDEX "OrderAttribution_shop_createdAt_idx" ON "OrderAttribution"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "OrderAttribution_shop_contactId_idx" ON "OrderAttribution"("shop", "contactId");

-- CreateIndex
CREATE UNIQUE INDEX "OrderAttribution_shop_orderId_key" ON "OrderAttribution"("shop", "orderId");

-- CreateIndex
CREATE INDEX "Feedback_shop_createdAt_idx" ON "Feedback"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "Feedback_shop_outcome_idx" ON "Feedback"("shop", "outcome");

-- CreateIndex
CREATE UNIQUE INDEX "Feedback_shop_orderId_key" ON "Feedback"("shop", "orderId");

-- CreateIndex
CREATE UNIQUE INDEX "ScheduledJob_dedupeKey_key" ON "ScheduledJob"("dedupeKey");

-- CreateIndex
CREATE INDEX "ScheduledJob_shop_kind_idx" ON "ScheduledJob"("shop", "kind");

-- CreateIndex
CREATE INDEX "ScheduledJob_status_runAt_idx" ON "ScheduledJob"("status", "runAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_shop_receivedAt_idx" ON "WebhookDelivery"("shop", "receivedAt");

-- CreateIndex
CREATE INDEX "DataRequest_shop_createdAt_idx" ON "DataRequest"("shop", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "MessageTemplate_shop_accountId_name_language_key" ON "MessageTemplate"("shop", "accountId", "name", "language");

-- CreateIndex
CREATE INDEX "LlmCall_shop_createdAt_idx" ON "LlmCall"("shop", "createdAt");

