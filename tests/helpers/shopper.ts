import { expect } from "vitest";
import { database } from "~/db.server";
import { action } from "~/routes/webhooks.whatsapp";
import { processInboxBatch } from "~/services/inbox.server";
import { sendOutboxBatch } from "~/services/outbox.server";
import { runDueJobs } from "~/services/scheduler.server";
import type { GraphApiFake } from "../mocks/graph-api";
import { callRoute } from "./remix";
import {
  buttonReply,
  inboundPayload,
  listReply,
  textMessage,
  whatsappWebhookRequest,
  type TestStore,
} from "./whatsapp";

type Body = Record<string, unknown> & {
  type?: string;
  text?: { body: string };
  image?: { caption?: string; link?: string };
  template?: { name: string; components?: unknown[] };
  interactive?: {
    type: string;
    body?: { text: string };
    action: {
      buttons?: { reply: { id: string; title: string } }[];
      sections?: { rows: { id: string; title: string; description?: string }[] }[];
      parameters?: { display_text: string; url: string };
    };
  };
};

/** Everything the worker needs to settle: inbox, outbox and due jobs, until nothing is left. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 60; i++) {
    const handled = (await processInboxBatch()) + (await sendOutboxBatch()) + (await runDueJobs());
    if (handled === 0) return;
  }
}

/** Makes every pending retry, event and job due now. */
export async function fastForward(): Promise<void> {
  const { raw } = database();
  await raw.exec(
    `UPDATE "Message" SET "nextAttemptAt" = now() - interval '1 second' WHERE status = 'queued'`,
  );
  await raw.exec(
    `UPDATE "InboundEvent" SET "availableAt" = now() - interval '1 second' WHERE status = 'pending'`,
  );
  await raw.exec(`UPDATE "ScheduledJob" SET "runAt" = now() - interval '1 second' WHERE status = 'pending'`);
}

export function textOfBody(body: Body): string {
  return (
    body.text?.body ??
    body.interactive?.body?.text ??
    body.image?.caption ??
    (body.template ? `[template ${body.template.name}]` : "")
  );
}

export function choicesOf(body: Body): { id: string; title: string; kind: "button" | "row" }[] {
  const buttons =
    body.interactive?.action.buttons?.map((b) => ({ ...b.reply, kind: "button" as const })) ?? [];
  const rows =
    body.interactive?.action.sections?.flatMap((s) =>
      s.rows.map((r) => ({ id: r.id, title: r.title, kind: "row" as const })),
    ) ?? [];
  return [...buttons, ...rows];
}

/** A WhatsApp shopper talking to the bot through the real webhook, worker and sender. */
export class Shopper {
  private seen = 0;
  constructor(
    private readonly store: TestStore,
    private readonly graph: GraphApiFake,
    readonly waId: string,
    private readonly name = "Test Shopper",
  ) {}

  private async send(message: Record<string, unknown>): Promise<Body[]> {
    const response = await callRoute(
      action,
      whatsappWebhookRequest(
        inboundPayload(this.store.phoneNumberId, this.waId, message, { name: this.name }),
        this.store.appSecret,
      ),
    );
    expect(response.status).toBe(200);
    await settle();
    return this.newReplies();
  }

  /** Replies received since the last look. */
  newReplies(): Body[] {
    const all = this.graph.sentTo(this.waId) as Body[];
    const fresh = all.slice(this.seen);
    this.seen = all.length;
    return fresh;
  }

  all(): Body[] {
    return this.graph.sentTo(this.waId) as Body[];
  }

  say(text: string) {
    return this.send(textMessage(text));
  }

  /** Taps the choice (button or list row) of the latest message that has one matching `match`. */
  async tap(match: RegExp | ((c: { id: string; title: string }) => boolean)): Promise<Body[]> {
    const test =
      typeof match === "function"
        ? match
        : (c: { id: string; title: string }) => match.test(c.id) || match.test(c.title);
    const bodies = this.all();
    for (let i = bodies.length - 1; i >= 0; i--) {
      const choice = choicesOf(bodies[i]).find(test);
      if (choice) {
        return this.send(
          choice.kind === "button"
            ? buttonReply(choice.id, choice.title)
            : listReply(choice.id, choice.title),
        );
      }
    }
    throw new Error(
      `no choice matching ${match} in:\n${bodies.map((b) => JSON.stringify(choicesOf(b))).join("\n")}`,
    );
  }
}
