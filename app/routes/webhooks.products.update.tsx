import { invalidateCatalog } from "~/services/catalog-cache.server";
import { shopifyWebhookAction } from "~/services/webhook-action.server";

// products/update, products/delete and collections/update all drop the shop's cached catalog.
export const action = shopifyWebhookAction((shop) => invalidateCatalog(shop));
