import { createHmac, timingSafeEqual } from 'node:crypto';
import { inflateSync } from 'node:zlib';

/**
 * UserSig verification written from the algorithm (Tencent's documentation) rather than borrowed from `tls-sig-api-v2`,
 * so a bug in how the client uses that library cannot be hidden by the same library on the server side.
 */
export interface SigExpectation {
  sdkAppId: number;
  identifier: string;
  secretKey: string;
  /** Unix seconds. */
  now: number;
}

export type SigCheck = { ok: true } | { ok: false; code: number; info: string };

// A real UserSig is a few hundred characters; the caps keep a hostile value from costing much.
const MAX_SIG_CHARS = 4096;
const MAX_INFLATED_BYTES = 16 * 1024;

interface SigDoc {
  'TLS.identifier': string;
  'TLS.sdkappid': number;
  'TLS.time': number;
  'TLS.expire': number;
  'TLS.sig': string;
  'TLS.userbuf'?: string;
}

export function verifyUserSig(userSig: string, expected: SigExpectation): SigCheck {
  if (userSig.length === 0) return fail(70002, 'UserSig length is 0');
  const doc = decode(userSig);
  if (doc === undefined) return fail(70003, 'invalid UserSig: cannot be decoded');
  if (doc['TLS.sdkappid'] !== expected.sdkAppId) {
    return fail(70014, 'the SDKAppID in the request does not match the SDKAppID in the UserSig');
  }
  if (doc['TLS.identifier'] !== expected.identifier) {
    return fail(70013, 'the identifier in the request does not match the UserID in the UserSig');
  }
  const wanted = createHmac('sha256', expected.secretKey).update(stringToSign(doc)).digest();
  const given = Buffer.from(doc['TLS.sig'], 'base64');
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
    return fail(70009, 'UserSig verification failed: it was signed with another key');
  }
  if (doc['TLS.time'] + doc['TLS.expire'] < expected.now) return fail(70001, 'UserSig expired');
  return { ok: true };
}

function stringToSign(doc: SigDoc): string {
  let text =
    `TLS.identifier:${doc['TLS.identifier']}\n` +
    `TLS.sdkappid:${doc['TLS.sdkappid']}\n` +
    `TLS.time:${doc['TLS.time']}\n` +
    `TLS.expire:${doc['TLS.expire']}\n`;
  if (doc['TLS.userbuf'] !== undefined) text += `TLS.userbuf:${doc['TLS.userbuf']}\n`;
  return text;
}

function decode(userSig: string): SigDoc | undefined {
  if (userSig.length > MAX_SIG_CHARS || !/^[A-Za-z0-9*_-]+$/.test(userSig)) return undefined;
  const base64 = userSig.replaceAll('*', '+').replaceAll('-', '/').replaceAll('_', '=');
  try {
    const json = inflateSync(Buffer.from(base64, 'base64'), { maxOutputLength: MAX_INFLATED_BYTES }).toString('utf8');
    const doc: unknown = JSON.parse(json);
    return isSigDoc(doc) ? doc : undefined;
  } catch {
    return undefined;
  }
}

function isSigDoc(value: unknown): value is SigDoc {
  if (typeof value !== 'object' || value === null) return false;
  const doc = value as Record<string, unknown>;
  return (
    typeof doc['TLS.identifier'] === 'string' &&
    Number.isSafeInteger(doc['TLS.sdkappid']) &&
    Number.isSafeInteger(doc['TLS.time']) &&
    Number.isSafeInteger(doc['TLS.expire']) &&
    typeof doc['TLS.sig'] === 'string' &&
    (doc['TLS.userbuf'] === undefined || typeof doc['TLS.userbuf'] === 'string')
  );
}

function fail(code: number, info: string): SigCheck {
  return { ok: false, code, info };
}
