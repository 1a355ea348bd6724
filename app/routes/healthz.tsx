import { checkHealth } from "~/services/health.server";

export const loader = async () => {
  const health = await checkHealth();
  return Response.json(health, {
    status: health.ok ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
};
