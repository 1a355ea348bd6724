import { complianceHandlers } from "~/services/shopify-webhooks.server";
import { shopifyWebhookAction } from "~/services/webhook-action.server";

export const action = shopifyWebhookAction(complianceHandlers.customersRedact);
