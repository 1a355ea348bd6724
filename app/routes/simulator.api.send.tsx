import type { ActionFunctionArgs } from "@remix-run/node";
import { readJson, sendAsShopper, simulatorApi } from "~/services/simulator.server";

/**
 * `POST {waId, name?, message, replyTo?}`: the shopper's message as a Meta-shaped webhook, signed with the
 * account's app secret and POSTed to this app's `/webhooks/whatsapp` (production's path).
 */
export const action = ({ request }: ActionFunctionArgs) =>
  simulatorApi(async () => sendAsShopper(await readJson(request)));

export const loader = () =>
  simulatorApi(() => {
    throw new Response("Method not allowed", { status: 405 });
  });
