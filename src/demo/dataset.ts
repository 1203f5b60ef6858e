import type { WireCallRecord } from '../calls/records.js';
import { intBetween, mulberry32, pick, type Rng, uuidFrom, weightedPicker } from './prng.js';

export interface DatasetOptions {
  seed?: number;
  /** Unix seconds the dataset ends at; default the real clock. */
  now?: number;
  /** Default 7. */
  days?: number;
  /** Default 400. */
  callsPerDay?: number;
  /** Default 36. */
  users?: number;
}

// Mixed shapes on purpose: Tencent user IDs are free-form strings, and the docs' own examples use '147'/'369'.
export const USER_POOL = [
  '147',
  '369',
  '3423',
  '10001',
  'alice.w',
  'user2',
  'bob_k',
  'chen.li',
  '2048',
  'diana',
  'eve-ops',
  'frank88',
  'grace.h',
  '5120',
  'henry',
  'ivy_support',
  'jack.m',
  'kai',
  '7781',
  'lena.s',
  'mike_t',
  'nina',
  '88001',
  'oscar.p',
  'liu.yang',
  'wang_fang',
  'zhang.wei',
  '90210',
  'tanaka.k',
  'kim.jh',
  'park.s',
  '600123',
  'nguyen.a',
  'siti.r',
  'priya.n',
  'carlos.m',
];

/** Calls per UTC hour, relative: quiet nights, a morning and an afternoon peak, a smaller evening bump. */
const HOUR_WEIGHTS = [
  1, 0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 2.5, 4.5, 6, 7, 7.2, 5.5, 6, 7, 7.5, 7, 6, 5, 5.5, 5.8, 4.5, 3, 1.8,
];
const MAX_HOUR_WEIGHT = Math.max(...HOUR_WEIGHTS);

// Interrupt a few percent and Offline about 1%, so the daily summary has something to report.
const RESULTS = ['NormalEnd', 'NotAnswer', 'Cancel', 'Reject', 'CallBusy', 'Interrupt', 'Offline'] as const;
const pickResult = weightedPicker([62, 12, 9, 7, 4, 5, 1]);

const GROUP_SHARE = 0.15;
const VIDEO_SHARE = 0.45;

/** Deterministic for a given seed and `now`; sorted by StartTime ascending. */
export function generateDataset(options: DatasetOptions = {}): WireCallRecord[] {
  const rng = mulberry32(options.seed ?? 42);
  const now = Math.floor(options.now ?? Date.now() / 1000);
  const days = options.days ?? 7;
  const total = Math.max(0, Math.round(days * (options.callsPerDay ?? 400)));
  const users = makeUsers(Math.max(2, options.users ?? 36));
  // A few heavy users make `user:147` style searches interesting; the tail still appears.
  const pickUser = weightedPicker(users.map((_, i) => 1 / (i + 1) ** 0.7));

  const starts = sampleStartTimes(rng, total, now - Math.round(days * 86400), now);
  const records: WireCallRecord[] = new Array(total);
  for (let i = 0; i < total; i++) {
    records[i] = makeRecord(rng, starts[i] as number, now, users, pickUser);
  }
  return records;
}

function makeUsers(count: number): string[] {
  const users = USER_POOL.slice(0, count);
  for (let i = users.length; i < count; i++) users.push(`u${1000 + i}`);
  return users;
}

/** Rejection sampling against the hourly rhythm: about half the draws are kept, cheap even for 200,000 calls. */
function sampleStartTimes(rng: Rng, total: number, from: number, to: number): Float64Array {
  const starts = new Float64Array(total);
  const span = to - from;
  let n = 0;
  while (n < total && span > 0) {
    const t = from + Math.floor(rng() * span);
    const hour = Math.floor((((t % 86400) + 86400) % 86400) / 3600);
    if (rng() * MAX_HOUR_WEIGHT < (HOUR_WEIGHTS[hour] as number)) starts[n++] = t;
  }
  return starts.sort();
}

function makeRecord(
  rng: Rng,
  start: number,
  now: number,
  users: readonly string[],
  pickUser: (rng: Rng) => number,
): WireCallRecord {
  const group = users.length >= 3 && rng() < GROUP_SHARE;
  const caller = users[pickUser(rng)] as string;
  const others = pickOthers(
    rng,
    caller,
    group ? intBetween(rng, 2, Math.min(8, users.length - 1)) : 1,
    users,
    pickUser,
  );
  // Tencent's examples list the caller among the members; usually first, but a client must not rely on that.
  const members = [caller, ...others];
  if (group && rng() < 0.1) {
    const at = intBetween(rng, 1, others.length);
    members.splice(0, 1);
    members.splice(at, 0, caller);
  }
  const result = RESULTS[pickResult(rng)] as string;
  const { accept, end } = timesFor(rng, result, start);
  const roomIsString = rng() < 0.7;
  const roomIdType = roomIsString ? 2 : 1;
  return {
    CallId: uuidFrom(rng),
    Caller_Account: caller,
    MediaType: rng() < VIDEO_SHARE ? 'Video' : 'Audio',
    CallType: group ? 'MultiCall' : 'SingleCall',
    StartTime: start,
    EndTime: Math.min(end, now),
    AcceptTime: accept === 0 ? 0 : Math.min(accept, now),
    CallResult: result,
    CalleeList_Account: members,
    RoomId: roomIsString ? `roomid-${intBetween(rng, 1000, 99999)}` : String(intBetween(rng, 100000, 99999999)),
    // The filter doc's table types RoomIdType as String while its sample sends an Integer: emit both.
    RoomIdType: rng() < 0.1 ? String(roomIdType) : roomIdType,
  };
}

function pickOthers(
  rng: Rng,
  caller: string,
  count: number,
  users: readonly string[],
  pickUser: (rng: Rng) => number,
): string[] {
  if (count === 1) {
    // The common case (85% of calls), without a Set per record.
    for (let tries = 0; ; tries++) {
      const user = tries < 40 ? (users[pickUser(rng)] as string) : pick(rng, users);
      if (user !== caller) return [user];
    }
  }
  const chosen = new Set<string>();
  // Weighted picks can stall on a small pool, so fall back to uniform picks after a few tries.
  for (let tries = 0; chosen.size < count; tries++) {
    const user = tries < 40 ? (users[pickUser(rng)] as string) : pick(rng, users);
    if (user !== caller) chosen.add(user);
  }
  return [...chosen];
}

/** AcceptTime stays 0 for calls that never connected, as in Tencent's NotAnswer example. */
function timesFor(rng: Rng, result: string, start: number): { accept: number; end: number } {
  switch (result) {
    case 'Cancel':
      return { accept: 0, end: start + intBetween(rng, 2, 25) };
    case 'Reject':
      return { accept: 0, end: start + intBetween(rng, 2, 20) };
    case 'NotAnswer':
      return { accept: 0, end: start + intBetween(rng, 30, 40) };
    case 'CallBusy':
      return { accept: 0, end: start + intBetween(rng, 2, 4) };
    case 'Offline':
      // A heartbeat can expire while ringing too.
      if (rng() < 0.2) return { accept: 0, end: start + intBetween(rng, 5, 40) };
      return connected(rng, start, 3600);
    case 'Interrupt':
      return connected(rng, start, 1800);
    default:
      return connected(rng, start, 3600);
  }
}

function connected(rng: Rng, start: number, maxTalk: number): { accept: number; end: number } {
  const accept = start + 2 + Math.floor(rng() ** 2 * 18);
  // Log-uniform talk time: many short calls, a long tail up to about an hour.
  const talk = Math.round(Math.exp(Math.log(3) + rng() * (Math.log(maxTalk) - Math.log(3))));
  return { accept, end: accept + talk };
}
