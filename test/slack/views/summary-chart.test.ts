import { inflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { localHours } from '../../../src/calls/daily-stats.js';
import type { DailySummary } from '../../../src/calls/daily-summary.js';
import { dayBounds } from '../../../src/calls/time-range.js';
import { renderIncidentChart } from '../../../src/slack/views/incident-chart.js';
import { renderSummaryChart, summaryChartSvg } from '../../../src/slack/views/summary-chart.js';
import { incidentFacts } from '../../support/incident-facts.js';

function summary(date: string, timeZone: string): DailySummary {
  const { from, to } = dayBounds(date, timeZone);
  const hourly = localHours(from, to, timeZone);
  for (const hour of hourly) {
    const dropped = hour.index % 7;
    Object.assign(hour, { interrupted: dropped, offline: 0, dropped, calls: 40 + hour.index });
  }
  const dropped = hourly.reduce((sum, hour) => sum + hour.dropped, 0);
  const totalCalls = hourly.reduce((sum, hour) => sum + hour.calls, 0);
  return {
    date,
    timeZone,
    from,
    to,
    totalCalls,
    interrupted: dropped,
    offline: 0,
    dropped,
    interruptedShare: dropped / totalCalls,
    previousDay: null,
    change: null,
    split: { audio: 0, video: 0, single: 0, group: 0 },
    topUsers: [],
    peakHour: null,
    hourly,
    notices: [],
  };
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** A minimal decoder for what resvg writes: 8-bit RGBA, not interlaced. */
function decodePng(png: Uint8Array): { width: number; height: number; rgba: Uint8Array } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Uint8Array[] = [];
  while (offset < png.length) {
    const length = view.getUint32(offset);
    const type = new TextDecoder().decode(png.subarray(offset + 4, offset + 8));
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = view.getUint32(offset + 8);
      height = view.getUint32(offset + 12);
      expect([data[8], data[9], data[12]]).toEqual([8, 6, 0]); // bit depth, RGBA, no interlace
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const rgba = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const byte = raw[y * (stride + 1) + 1 + x] as number;
      const a = x >= 4 ? (rgba[y * stride + x - 4] as number) : 0;
      const b = y > 0 ? (rgba[(y - 1) * stride + x] as number) : 0;
      const c = x >= 4 && y > 0 ? (rgba[(y - 1) * stride + x - 4] as number) : 0;
      let predictor = 0;
      if (filter === 1) predictor = a;
      else if (filter === 2) predictor = b;
      else if (filter === 3) predictor = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      rgba[y * stride + x] = (byte + predictor) & 0xff;
    }
  }
  return { width, height, rgba };
}

/** Pixels darker than mid-grey in a rectangle (text is near-black; the background is white). */
function darkPixels(image: { width: number; rgba: Uint8Array }, x0: number, y0: number, x1: number, y1: number) {
  let dark = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * image.width + x) * 4;
      if ((image.rgba[i] as number) < 100 && (image.rgba[i + 1] as number) < 100) dark += 1;
    }
  }
  return dark;
}

describe('renderSummaryChart', () => {
  let png: Uint8Array;
  beforeAll(async () => {
    // The first render initialises resvg's WASM and reads the fonts (about a second).
    png = await renderSummaryChart(summary('2026-11-25', 'Europe/Berlin'));
  }, 30_000);

  it('shares one renderer with the incident chart: a process that drew a summary still draws an incident', async () => {
    // resvg's WASM can be initialised once per process; the service draws both charts.
    const { latest } = incidentFacts();
    const window = { ...latest, bucketSeconds: 300, buckets: [{ at: latest.from, ended: 40, dropped: 10 }] };
    const incident = await renderIncidentChart(window);
    expect([...incident.subarray(0, 8)]).toEqual(SIGNATURE);
  });

  it('is a PNG of 2400 × 1200 pixels by default (1200 × 600 at 2x)', () => {
    expect([...png.subarray(0, 8)]).toEqual(SIGNATURE);
    const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
    expect(new TextDecoder().decode(png.subarray(12, 16))).toBe('IHDR');
    expect(view.getUint32(16)).toBe(2400);
    expect(view.getUint32(20)).toBe(1200);
    expect(png.length).toBeGreaterThan(50_000);
  });

  it('draws text: the title, with a real font, on a white background', () => {
    const image = decodePng(png);
    expect(image.width).toBe(2400);
    // Corners are white, opaque.
    expect([...image.rgba.subarray(0, 4)]).toEqual([255, 255, 255, 255]);
    // The title sits centred in the top 60 CSS pixels (120 device pixels): nothing else is drawn there.
    const title = darkPixels(image, 400, 0, 2000, 100);
    expect(title).toBeGreaterThan(5_000);
    // The margins left and right of the title stay blank.
    expect(darkPixels(image, 0, 0, 300, 100)).toBe(0);
  });

  it('honours a requested size and scale', async () => {
    const small = await renderSummaryChart(summary('2026-11-01', 'America/New_York'), {
      width: 800,
      height: 400,
      scale: 1,
    });
    const image = decodePng(small);
    expect([image.width, image.height]).toEqual([800, 400]);
    expect(darkPixels(image, 0, 0, 800, 60)).toBeGreaterThan(1_000);
  });
});

describe('summaryChartSvg', () => {
  it('labels the hours by local clock, titles the day and zone, and says what the call bars are', () => {
    const svg = summaryChartSvg(summary('2026-11-01', 'America/New_York'));
    expect(svg).toContain('Calls and interruptions by hour, 2026-11-01 (America/New_York)');
    expect(svg).toContain('01:00 (2nd)');
    expect(svg).toContain('Calls');
    expect(svg).not.toContain('3-hour');
    expect(svg).toContain('Interrupted + Offline');
    expect(svg).not.toMatch(/<animate/);
  });

  it('leaves out the hour a spring-forward day skips', () => {
    const svg = summaryChartSvg(summary('2026-03-08', 'America/New_York'));
    expect(svg).not.toContain('>02:00<');
    expect(svg).toContain('03:00');
  });
});
