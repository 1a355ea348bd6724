import { json } from "@remix-run/node";
import { checkHealth } from "~/services/health.server";

// `json` rather than Response.json: remix-serve installs Remix's own Response global (no static json()).
export const loader = async () => {
  const health = await checkHealth();
  return json(health, { status: health.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } });
};
