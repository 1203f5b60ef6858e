/**
 * Charts as PNG without anything native: ECharts renders SVG on the server, resvg (WASM) rasterises it with the
 * DejaVu fonts from npm, so text looks the same on any machine. The incidents' chart and the daily summary's
 * (`summary-chart.ts`) both draw through it: resvg's WASM may be initialised only once per process. The first call in a process takes about a second (WASM and fonts load once); later ones far less.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { initWasm, Resvg } from '@resvg/resvg-wasm';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TitleComponent, SVGRenderer]);

export const CHART_FONT_FAMILY = 'DejaVu Sans';
const require = createRequire(import.meta.url);

/** An ECharts option as an SVG string of `width` × `height` CSS pixels. */
export function chartSvg(option: echarts.EChartsCoreOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** An ECharts option as a PNG, `scale` device pixels per CSS pixel, on white. */
export async function renderChartPng(
  option: echarts.EChartsCoreOption,
  size: { width: number; height: number; scale: number },
): Promise<Uint8Array> {
  const svg = chartSvg(option, size.width, size.height);
  const fonts = await loadRenderer();
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: size.scale },
    background: '#ffffff',
    font: { fontBuffers: fonts, defaultFontFamily: CHART_FONT_FAMILY, sansSerifFamily: CHART_FONT_FAMILY },
  });
  try {
    const image = resvg.render();
    try {
      return image.asPng();
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}

let renderer: Promise<Uint8Array[]> | undefined;

/** Initialises resvg's WASM once per process and reads the fonts once; later calls reuse both. */
function loadRenderer(): Promise<Uint8Array[]> {
  renderer ??= (async () => {
    const [wasm, regular, bold] = await Promise.all([
      readFile(require.resolve('@resvg/resvg-wasm/index_bg.wasm')),
      readFile(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')),
      readFile(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf')),
    ]);
    // The WASM module is process-wide: another instance of this file (a test runner that reuses its processes
    // re-evaluates our code but not node_modules) may have initialised it already, which is as good.
    await initWasm(wasm).catch((error: unknown) => {
      if (!(error instanceof Error && error.message.startsWith('Already initialized'))) throw error;
    });
    return [new Uint8Array(regular), new Uint8Array(bold)];
  })().catch((error: unknown) => {
    renderer = undefined;
    throw error;
  });
  return renderer;
}
