import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import {
  fieldErrors,
  resetSandbox,
  SandboxConflict,
  sandboxThreadView,
  sendSandboxMessage,
  TestBotActionSchema,
  ThreadQuerySchema,
} from "~/services/test-bot.server";
import { authenticate } from "~/shopify.server";

/**
 * "Test your bot" data (the panel's phone polls and posts here; docs/decisions/009-test-your-bot.md).
 * GET `?sandbox=<id>`: the sandbox thread. POST `intent=send` (sandboxId, name, language, message JSON or
 * text, replyTo?) or `intent=reset` (sandboxId). Everything is scoped by the session's shop.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const query = ThreadQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) return json({ ok: false, errors: fieldErrors(query.error) }, { status: 400 });
  return json(await sandboxThreadView(session.shop, query.data.sandbox), {
    headers: { "Cache-Control": "no-store" },
  });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const fields: Record<string, string> = {};
  for (const [key, value] of (await request.formData()).entries())
    if (typeof value === "string") fields[key] = value;
  if (fields.intent !== "send" && fields.intent !== "reset")
    return json({ ok: false, errors: { intent: "send or reset" } }, { status: 400 });
  const parsed = TestBotActionSchema.safeParse(fields);
  if (!parsed.success) return json({ ok: false, errors: fieldErrors(parsed.error) }, { status: 422 });
  if (parsed.data.intent === "reset")
    return json({ ok: true, reset: await resetSandbox(session.shop, parsed.data.sandboxId) });
  try {
    const sent = await sendSandboxMessage(session.shop, parsed.data);
    return json({ ok: true, ...sent }, { status: 202 });
  } catch (error) {
    if (error instanceof SandboxConflict)
      return json({ ok: false, errors: { sandboxId: error.message } }, { status: 409 });
    throw error;
  }
};
