import type { PinnedQuery } from '../../../src/calls/query.js';
import type { CallRecord } from '../../../src/calls/records.js';
import type { SearchPage } from '../../../src/calls/search-page.js';

/** The frozen clock: 2026-11-21T04:00:00Z (12:00 in Shanghai, 23:00 the day before in New York). */
export const NOW_SECONDS = Date.UTC(2026, 10, 21, 4, 0, 0) / 1000;
export const NOW = NOW_SECONDS * 1000;

/** 2026-11-20T02:40:00Z: 10:40 in Shanghai, 21:40 on Nov 19 in New York. */
const T = Date.UTC(2026, 10, 20, 2, 40, 0) / 1000;

export const ended: CallRecord = {
  callId: '04c9a0ac-8e38-4a19-be45-349c5ce7911b',
  caller: '147',
  callees: ['369'],
  mediaType: 'Video',
  callType: 'SingleCall',
  startTime: T,
  acceptTime: T + 8,
  endTime: T + 8 + 130,
  result: 'NormalEnd',
  roomId: 'roomid-1434',
  roomIdType: 2,
};

export const interrupted: CallRecord = {
  callId: '1b2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
  caller: '147',
  callees: ['369'],
  mediaType: 'Video',
  callType: 'SingleCall',
  startTime: T - 3600,
  acceptTime: T - 3600 + 6,
  endTime: T - 3600 + 6 + 130,
  result: 'Interrupt',
  roomId: '884211',
  roomIdType: 1,
};

export const offline: CallRecord = {
  callId: '7d1c9e22-0b4f-4a8e-9c3d-5f6a7b8c9d0e',
  caller: 'alice_01',
  callees: ['bob', 'carol'],
  mediaType: 'Audio',
  callType: 'MultiCall',
  startTime: T - 7200,
  acceptTime: T - 7200 + 4,
  endTime: T - 7200 + 4 + 45,
  result: 'Offline',
  roomId: 'group-room-9',
  roomIdType: 2,
};

export const notAnswered: CallRecord = {
  callId: 'a0b1c2d3-e4f5-4061-8273-94a5b6c7d8e9',
  caller: '147',
  callees: ['369'],
  mediaType: 'Audio',
  callType: 'SingleCall',
  startTime: T - 10_800,
  acceptTime: null,
  endTime: T - 10_800 + 30,
  result: 'NotAnswer',
  roomId: 'roomid-2001',
  roomIdType: 2,
};

/** A group call to 20 callees. */
export const bigGroup: CallRecord = {
  callId: 'f3e2d1c0-b9a8-4776-8554-433221100fed',
  caller: '147',
  callees: ['369', '520', ...Array.from({ length: 18 }, (_, i) => `agent-${String(i + 1).padStart(2, '0')}`)],
  mediaType: 'Audio',
  callType: 'MultiCall',
  startTime: T - 14_400,
  acceptTime: T - 14_400 + 5,
  endTime: T - 14_400 + 5 + 600,
  result: 'Interrupt',
  roomId: '55012',
  roomIdType: 1,
};

/** A result Tencent may add one day: shown as it came. */
export const exploded: CallRecord = {
  callId: 'e0e0e0e0-1111-4222-8333-444455556666',
  caller: '147',
  callees: ['369'],
  mediaType: 'Video',
  callType: 'SingleCall',
  startTime: T - 18_000,
  acceptTime: T - 18_000 + 3,
  endTime: T - 18_000 + 3 + 61,
  result: 'Exploded',
  roomId: 'roomid-77',
  roomIdType: null,
};

export const ALL_RECORDS = [ended, interrupted, offline, notAnswered, bigGroup, exploded];

export const query: PinnedQuery = {
  users: ['147'],
  results: [],
  callTypes: [],
  mediaTypes: [],
  from: NOW_SECONDS - 24 * 3600,
  to: NOW_SECONDS,
  timeZone: 'Asia/Shanghai',
};

export function searchPage(overrides: Partial<SearchPage> = {}): SearchPage {
  return {
    query,
    page: 1,
    pageCount: 2,
    pageSize: 10,
    total: 12,
    records: ALL_RECORDS,
    notices: [],
    upstreamRequests: 3,
    ...overrides,
  };
}

/** The worst a page can hold: `count` group calls, 20 callees each with 32-character IDs, 200-character CallIds. */
export function worstRecords(count: number): CallRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    callId: `${String(i).padStart(3, '0')}${'c'.repeat(197)}`,
    caller: `caller${'x'.repeat(26)}`.slice(0, 32),
    callees: Array.from({ length: 20 }, (_, j) => `${String(j).padStart(2, '0')}${'y'.repeat(30)}`),
    mediaType: 'Video',
    callType: 'MultiCall',
    startTime: T - i * 60,
    acceptTime: null,
    endTime: T - i * 60 + 30,
    result: `Exploded${'!'.repeat(5000)}<&>\`*_~`,
    roomId: 'r'.repeat(300),
    roomIdType: null,
  }));
}
