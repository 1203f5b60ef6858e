import { Api } from 'tls-sig-api-v2';
import { request } from 'undici';
import type { DemoServer } from '../../src/demo/server.js';

export interface QueryOverrides {
  sdkappid?: string | null;
  identifier?: string | null;
  usersig?: string | null;
  random?: string | null;
  contenttype?: string | null;
}

/** A UserSig made with Tencent's own signer, as the real client makes it. */
export function userSigFor(
  server: DemoServer,
  options: { sdkAppId?: number; key?: string; user?: string; expire?: number } = {},
): string {
  return new Api(options.sdkAppId ?? server.sdkAppId, options.key ?? server.secretKey).genUserSig(
    options.user ?? server.adminUser,
    options.expire ?? 86400,
  );
}

/** null removes the parameter. */
export function queryFor(server: DemoServer, overrides: QueryOverrides = {}): string {
  const params: Record<string, string | null> = {
    sdkappid: String(server.sdkAppId),
    identifier: server.adminUser,
    usersig: userSigFor(server),
    random: String(Math.floor(Math.random() * 4294967296)),
    contenttype: 'json',
    ...overrides,
  };
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== null) search.set(name, value);
  return search.toString();
}

export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the server sent
  json: any;
  text: string;
}

export async function post(
  server: DemoServer,
  command: string,
  body: unknown,
  options: { query?: string; method?: 'POST' | 'GET' | 'PUT'; raw?: string } = {},
): Promise<Answer> {
  const method = options.method ?? 'POST';
  const res = await request(`${server.url}/v4/call_record_http_srv/${command}?${options.query ?? queryFor(server)}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(method === 'GET' ? {} : { body: options.raw ?? JSON.stringify(body) }),
  });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, json, text };
}

export const filter = (server: DemoServer, body: unknown, query?: string) =>
  post(server, 'get_record_by_filter', body, query === undefined ? {} : { query });
