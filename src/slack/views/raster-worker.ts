/**
 * SVG → PNG on a worker thread. resvg rasterises a chart in tens to hundreds of milliseconds of synchronous WASM;
 * on the main thread that would hold up Slack acknowledgements and Tencent callbacks (an incident's chart is drawn
 * in the middle of a drop wave). One worker, started at the first chart and kept (unref'd) for the next ones; it
 * loads resvg and the fonts once. The worker's code is CommonJS run with `eval` (as the SQLite checkpoint worker),
 * so it runs the same under tsx, Vitest and the built app. A worker that cannot start or dies fails the render
 * (the callers only log a missing chart) and is started again for the next one.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface RasterOptions {
  /** Device pixels per CSS pixel. */
  scale: number;
  fontFamily: string;
}

const require = createRequire(import.meta.url);

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const resvg = require(workerData.resvg);
let ready;
function load() {
  ready ??= resvg.initWasm(fs.readFileSync(workerData.wasm)).then(() =>
    workerData.fonts.map((file) => new Uint8Array(fs.readFileSync(file))),
  );
  return ready;
}
parentPort.on('message', async ({ id, svg, scale, fontFamily }) => {
  try {
    const fonts = await load();
    const renderer = new resvg.Resvg(svg, {
      fitTo: { mode: 'zoom', value: scale },
      background: '#ffffff',
      font: { fontBuffers: fonts, defaultFontFamily: fontFamily, sansSerifFamily: fontFamily },
    });
    try {
      const image = renderer.render();
      try {
        const png = image.asPng();
        parentPort.postMessage({ id, png }, [png.buffer]);
      } finally {
        image.free();
      }
    } finally {
      renderer.free();
    }
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
`;

type Reply = { id: number; png?: Uint8Array; error?: string };

let worker: Worker | undefined;
let nextId = 1;
const waiting = new Map<number, { resolve: (png: Uint8Array) => void; reject: (error: Error) => void }>();

function started(): Worker {
  if (worker !== undefined) return worker;
  const made = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      resvg: require.resolve('@resvg/resvg-wasm'),
      wasm: require.resolve('@resvg/resvg-wasm/index_bg.wasm'),
      fonts: [
        require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
        require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
      ],
    },
  });
  made.unref();
  made.on('message', (reply: Reply) => {
    const pending = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (waiting.size === 0) made.unref();
    if (pending === undefined) return;
    if (reply.png !== undefined) pending.resolve(reply.png);
    else pending.reject(new Error(`The chart could not be drawn: ${reply.error ?? 'unknown error'}`));
  });
  const fail = (error: Error) => {
    if (worker === made) worker = undefined;
    for (const pending of waiting.values()) pending.reject(error);
    waiting.clear();
  };
  made.on('error', fail);
  made.on('exit', (code) => fail(new Error(`The chart worker stopped (exit code ${code}).`)));
  worker = made;
  return made;
}

/** The SVG as a PNG, rasterised on the worker thread. */
export function rasterizeSvg(svg: string, options: RasterOptions): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const target = started();
    const id = nextId++;
    waiting.set(id, { resolve, reject });
    // Kept alive while a chart is being drawn (a process stopping waits for it), idle otherwise.
    target.ref();
    target.postMessage({ id, svg, scale: options.scale, fontFamily: options.fontFamily });
  });
}
