import { handleOrderCreated } from "~/services/orders.server";
import { shopifyWebhookAction } from "~/services/webhook-action.server";

export const action = shopifyWebhookAction((shop, payload) => handleOrderCreated(shop, payload));
