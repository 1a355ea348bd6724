import type { ActionFunctionArgs } from "@remix-run/node";
import { orderAction, readJson, simulatorApi } from "~/services/simulator.server";

/**
 * `POST {waId, action: "place" | "fulfill"}`: pays the shopper's latest checkout (or ships their latest order)
 * in the Shopify fake, then POSTs the Shopify-signed `orders/create` (or `orders/fulfilled`) webhook to this app.
 */
export const action = ({ request }: ActionFunctionArgs) =>
  simulatorApi(async () => orderAction(await readJson(request)));
