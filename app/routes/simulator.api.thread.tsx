import type { LoaderFunctionArgs } from "@remix-run/node";
import { simulatorApi, thread } from "~/services/simulator.server";

/**
 * The simulated phone's view of one shopper: both sides of the chat in order, the webhooks the simulator sent
 * and the Graph requests the app made (developer panel), the latest checkout and the orders. With `ack=1` the
 * phone reports the bot's new messages delivered and read (signed status webhooks).
 */
export const loader = ({ request }: LoaderFunctionArgs) =>
  simulatorApi(() => {
    const url = new URL(request.url);
    return thread(url.searchParams.get("wa_id")?.trim() ?? "", {
      acknowledge: url.searchParams.get("ack") === "1",
    });
  });
