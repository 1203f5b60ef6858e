/**
 * The incident's small chart: the window's calls (bars) and dropped calls (line) per bucket of end time, drawn
 * with the charts' machinery (`chart-png.ts`, which the daily summary's chart can share). Small on purpose: it sits in the incident's thread, and every
 * number it shows is in the message too.
 */
import type * as echarts from 'echarts/core';
import type { DropWindow } from '../../calls/incident-rule.js';
import { CHART_FONT_FAMILY, chartSvg, renderChartPng } from './chart-png.js';

export const INCIDENT_CHART = { width: 800, height: 360, scale: 2 } as const;

export function renderIncidentChart(window: DropWindow): Promise<Uint8Array> {
  return renderChartPng(incidentChartOption(window), INCIDENT_CHART);
}

export function incidentChartSvg(window: DropWindow): string {
  return chartSvg(incidentChartOption(window), INCIDENT_CHART.width, INCIDENT_CHART.height);
}

function clock(unix: number): string {
  return new Date(unix * 1000).toISOString().slice(11, 16);
}

function incidentChartOption(window: DropWindow): echarts.EChartsCoreOption {
  const text = { fontFamily: CHART_FONT_FAMILY, color: '#1d1c1d' };
  const dropped = window.interrupted + window.offline;
  const share = window.ended === 0 ? 0 : (dropped / window.ended) * 100;
  const per = window.bucketSeconds === 60 ? 'minute' : `${Math.round(window.bucketSeconds / 60)} minutes`;
  return {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: CHART_FONT_FAMILY },
    title: {
      text: `Calls ended and dropped per ${per} (UTC)`,
      subtext: `${dropped} of ${window.ended} dropped (${share.toFixed(1)}%), ${clock(window.from)}–${clock(window.to)} UTC`,
      left: 'center',
      top: 8,
      textStyle: { ...text, fontSize: 16, fontWeight: 'bold' },
      subtextStyle: { ...text, fontSize: 12, color: '#616061' },
    },
    legend: { top: 56, itemGap: 32, data: ['Ended', 'Dropped'], textStyle: { ...text, fontSize: 12 } },
    grid: { left: 56, right: 24, top: 92, bottom: 40 },
    xAxis: {
      type: 'category',
      data: window.buckets.map((bucket) => clock(bucket.at)),
      axisLabel: { ...text, fontSize: 11 },
      axisTick: { alignWithLabel: true },
    },
    yAxis: {
      type: 'value',
      minInterval: 1,
      axisLabel: { ...text, fontSize: 11 },
      splitLine: { lineStyle: { color: '#e8e8e8' } },
    },
    series: [
      {
        name: 'Ended',
        type: 'bar',
        data: window.buckets.map((bucket) => bucket.ended),
        itemStyle: { color: '#9fb8d6' },
      },
      {
        name: 'Dropped',
        type: 'line',
        data: window.buckets.map((bucket) => bucket.dropped),
        itemStyle: { color: '#c0392b' },
        lineStyle: { color: '#c0392b', width: 3 },
        symbol: 'circle',
        symbolSize: 6,
      },
    ],
  };
}
