import { handleOrderFulfilled } from "~/services/orders.server";
import { shopifyWebhookAction } from "~/services/webhook-action.server";

export const action = shopifyWebhookAction((shop, payload) => handleOrderFulfilled(shop, payload));
