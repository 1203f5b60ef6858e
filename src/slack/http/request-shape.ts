/**
 * What a request body must look like before Bolt sees it. Bolt assumes Slack's shapes: a signed body of JSON
 * `null` throws inside its receiver (the request then never gets an answer), and a body of another shape waits
 * three seconds for an ack nobody sends. So the shapes the app relies on are checked here, at the edge, and anything
 * else is answered 400 at once.
 */
import { parse as parseForm } from 'node:querystring';
import { z } from 'zod';

/** Bolt compares the whole header: anything else is parsed as JSON. */
const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

const person = z.looseObject({ id: z.string().min(1) });

/** Interactivity (`payload=<JSON>`): payloads about a person carry who; button clicks carry their actions. */
const interactivePayload = z.union([
  z.looseObject({
    type: z.enum(['block_actions', 'interactive_message']),
    user: person,
    actions: z.array(z.looseObject({})),
  }),
  z.looseObject({
    type: z.enum(['block_suggestion', 'view_submission', 'view_closed', 'shortcut', 'message_action']),
    user: person,
  }),
  z
    .looseObject({ type: z.string().min(1) })
    .refine(
      (payload) =>
        ![
          'block_actions',
          'interactive_message',
          'block_suggestion',
          'view_submission',
          'view_closed',
          'shortcut',
          'message_action',
        ].includes(payload.type),
    ),
]);

/** A slash command: every field once, a command and who ran it. */
const slashCommand = z.looseObject({ command: z.string().min(1), user_id: z.string().min(1) });

/** Events API envelopes and the other JSON bodies Slack sends (url_verification, app_rate_limited…). */
const jsonBody = z.union([
  z.looseObject({ type: z.literal('event_callback'), event: z.looseObject({ type: z.string().min(1) }) }),
  z.looseObject({ type: z.string().min(1) }).refine((body) => body.type !== 'event_callback'),
]);

export type BodyCheck = { ok: true } | { ok: false; reason: string };

/**
 * Whether a body already parsed (what Socket Mode hands over: a slash command's fields, an interaction payload or an
 * Events API envelope) has a shape the app can handle.
 */
export function checkParsedBody(body: unknown): BodyCheck {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { ok: false, reason: 'not an object' };
  if (!('type' in body)) {
    return slashCommand.safeParse(body).success ? { ok: true } : { ok: false, reason: 'not a slash command' };
  }
  return interactivePayload.safeParse(body).success && jsonBody.safeParse(body).success
    ? { ok: true }
    : { ok: false, reason: 'not an interaction or event' };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Whether `body` (sent with `contentType`) has a shape the app can handle. */
export function checkRequestBody(contentType: string | undefined, body: string): BodyCheck {
  if (contentType === FORM_CONTENT_TYPE) {
    const fields = parseForm(body);
    if (Object.values(fields).some((value) => typeof value !== 'string')) {
      return { ok: false, reason: 'a form field given more than once' };
    }
    if (fields.payload === undefined) {
      return slashCommand.safeParse(fields).success ? { ok: true } : { ok: false, reason: 'not a slash command' };
    }
    const payload = parseJson(fields.payload as string);
    if (!payload.ok) return { ok: false, reason: 'payload is not JSON' };
    return interactivePayload.safeParse(payload.value).success
      ? { ok: true }
      : { ok: false, reason: 'payload is not an interaction' };
  }
  const parsed = parseJson(body);
  if (!parsed.ok) return { ok: false, reason: 'body is not JSON' };
  return jsonBody.safeParse(parsed.value).success ? { ok: true } : { ok: false, reason: 'body is not an event' };
}
