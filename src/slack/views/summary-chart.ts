import type * as echarts from 'echarts/core';
import type { DailySummary } from '../../calls/daily-summary.js';
import { CHART_FONT_FAMILY, chartSvg, renderChartPng } from './chart-png.js';

export interface SummaryChartOptions {
  /** CSS pixels of the chart layout; default 1200. */
  width?: number;
  /** CSS pixels of the chart layout; default 600. */
  height?: number;
  /** Device pixel ratio of the PNG; default 2, so the default PNG is 2400 × 1200 pixels (crisp on HiDPI screens). */
  scale?: number;
}

export const CHART_WIDTH = 1200;
export const CHART_HEIGHT = 600;
export const CHART_SCALE = 2;

/**
 * The day's calls and dropped calls (Interrupt + Offline) by local hour, as a PNG: ECharts renders SVG on the
 * server, resvg (WASM) rasterises it with the DejaVu fonts from npm, so text looks the same on any machine and
 * nothing native is built. Calls are bars on the left axis (exact per hour, counted in the store); dropped calls
 * a line on the right axis. A quiet day (nothing dropped) needs no chart: the caller skips it. The first call in a process takes about a second (WASM and fonts
 * load once); later ones a few hundred milliseconds.
 */
export async function renderSummaryChart(
  summary: DailySummary,
  options: SummaryChartOptions = {},
): Promise<Uint8Array> {
  const width = options.width ?? CHART_WIDTH;
  const height = options.height ?? CHART_HEIGHT;
  const scale = options.scale ?? CHART_SCALE;
  // One renderer per process (chart-png.ts): resvg's WASM can be initialised only once.
  return renderChartPng(chartOption(summary), { width, height, scale });
}

/** The chart as an SVG string (what the PNG is rasterised from). */
export function summaryChartSvg(summary: DailySummary, width = CHART_WIDTH, height = CHART_HEIGHT): string {
  return chartSvg(chartOption(summary), width, height);
}

function chartOption(summary: DailySummary): echarts.EChartsCoreOption {
  const calls = summary.hourly.map((hour) => hour.calls);
  const callsName = 'Calls';
  const share = `${(summary.interruptedShare * 100).toFixed(1)}%`;
  const text = { fontFamily: CHART_FONT_FAMILY, color: '#1d1c1d' };
  return {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: CHART_FONT_FAMILY },
    title: {
      text: `Calls and interruptions by hour, ${summary.date} (${summary.timeZone})`,
      subtext: `${n(summary.dropped)} interrupted or offline of ${n(summary.totalCalls)} calls (${share})`,
      left: 'center',
      top: 12,
      textStyle: { ...text, fontSize: 20, fontWeight: 'bold' },
      subtextStyle: { ...text, fontSize: 14, color: '#616061' },
    },
    legend: {
      top: 72,
      // ECharts measures text without the real font on the server; leave room for DejaVu's wide glyphs.
      itemGap: 40,
      data: [callsName, 'Interrupted + Offline'],
      textStyle: { ...text, fontSize: 13 },
    },
    grid: { left: 72, right: 72, top: 132, bottom: 64 },
    xAxis: {
      type: 'category',
      data: summary.hourly.map((hour) => hour.label),
      name: `Local time (${summary.timeZone})`,
      nameLocation: 'middle',
      nameGap: 40,
      nameTextStyle: { ...text, fontSize: 13 },
      axisLabel: { ...text, fontSize: 12, interval: 0, rotate: summary.hourly.length > 24 ? 30 : 0 },
      axisTick: { alignWithLabel: true },
    },
    yAxis: [
      {
        type: 'value',
        name: 'Calls',
        minInterval: 1,
        nameTextStyle: { ...text, fontSize: 13, align: 'left' },
        axisLabel: { ...text, fontSize: 12 },
        splitLine: { lineStyle: { color: '#e8e8e8' } },
      },
      {
        type: 'value',
        name: 'Interrupted + Offline',
        minInterval: 1,
        position: 'right',
        nameTextStyle: { ...text, fontSize: 13, color: '#c0392b', align: 'right' },
        axisLabel: { ...text, fontSize: 12, color: '#c0392b' },
        splitLine: { show: false },
      },
    ],
    series: [
      {
        name: callsName,
        type: 'bar',
        yAxisIndex: 0,
        data: calls,
        itemStyle: { color: '#9fb8d6' },
        barCategoryGap: '20%',
      },
      {
        name: 'Interrupted + Offline',
        type: 'line',
        yAxisIndex: 1,
        data: summary.hourly.map((hour) => hour.dropped),
        itemStyle: { color: '#c0392b' },
        lineStyle: { color: '#c0392b', width: 3 },
        symbol: 'circle',
        symbolSize: 7,
        label: {
          show: true,
          position: 'top',
          ...text,
          fontSize: 12,
          color: '#c0392b',
          formatter: (params: { value: unknown }) => (params.value === 0 ? '' : String(params.value)),
        },
      },
    ],
  };
}

function n(value: number): string {
  return value.toLocaleString('en-US');
}
