import type { LoaderFunctionArgs } from "@remix-run/node";
import { graphMessagesTo, simulatorApi } from "~/services/simulator.server";

/**
 * Demo contract: `GET /simulator/api/messages?wa_id=…` → the Graph API request bodies the bot sent to that
 * shopper, in order (a JSON array). 404 outside demo mode.
 */
export const loader = ({ request }: LoaderFunctionArgs) =>
  simulatorApi(() => {
    const waId = new URL(request.url).searchParams.get("wa_id")?.trim() ?? "";
    if (!waId) throw new Response("wa_id is required", { status: 400 });
    return graphMessagesTo(waId);
  });
