/**
 * A counter and a histogram that cost a Map lookup and an addition per recording, served through prom-client's
 * Registry (it formats whatever `get()` returns). prom-client's own `inc({labels})` hashes and checks the label
 * object on every call, which on the hot paths (every store query, every callback) cost microseconds: more than
 * the 1% of a request the figures may take. Label values are passed in label-name order; callers keep them bounded.
 */
import type { Registry } from 'prom-client';

type Labels = Record<string, string>;

interface Described {
  name: string;
  help: string;
  labelNames: readonly string[];
  registry: Registry;
}

function labelsOf(names: readonly string[], values: readonly string[]): Labels {
  const labels: Labels = {};
  names.forEach((name, i) => {
    labels[name] = values[i] ?? '';
  });
  return labels;
}

export class FastCounter {
  readonly name: string;
  readonly help: string;
  readonly type = 'counter';
  readonly aggregator = 'sum';
  readonly #labelNames: readonly string[];
  readonly #series = new Map<string, { labels: Labels; value: number }>();

  constructor(options: Described) {
    this.name = options.name;
    this.help = options.help;
    this.#labelNames = options.labelNames;
    options.registry.registerMetric(this as never);
  }

  inc(...values: string[]): void {
    const key = values.length === 1 ? (values[0] as string) : values.join('\u0000');
    const series = this.#series.get(key);
    if (series !== undefined) series.value += 1;
    else this.#series.set(key, { labels: labelsOf(this.#labelNames, values), value: 1 });
  }

  get() {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: [...this.#series.values()].map((s) => ({ labels: s.labels, value: s.value })),
    };
  }

  reset(): void {
    this.#series.clear();
  }
}

export class FastHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #labelNames: readonly string[];
  readonly #buckets: readonly number[];
  readonly #series = new Map<string, { labels: Labels; counts: Float64Array; sum: number; count: number }>();

  constructor(options: Described & { buckets: readonly number[] }) {
    this.name = options.name;
    this.help = options.help;
    this.#labelNames = options.labelNames;
    this.#buckets = [...options.buckets].sort((a, b) => a - b);
    options.registry.registerMetric(this as never);
  }

  observe(value: number, ...values: string[]): void {
    const key = values.length === 1 ? (values[0] as string) : values.join('\u0000');
    let series = this.#series.get(key);
    if (series === undefined) {
      series = {
        labels: labelsOf(this.#labelNames, values),
        counts: new Float64Array(this.#buckets.length),
        sum: 0,
        count: 0,
      };
      this.#series.set(key, series);
    }
    // Counted in the first bucket it fits; get() makes the counts cumulative.
    const buckets = this.#buckets;
    for (let i = 0; i < buckets.length; i += 1) {
      if (value <= (buckets[i] as number)) {
        series.counts[i] = (series.counts[i] as number) + 1;
        break;
      }
    }
    series.sum += value;
    series.count += 1;
  }

  get() {
    const values: Array<{ metricName: string; labels: Record<string, string | number>; value: number }> = [];
    for (const s of this.#series.values()) {
      let cumulative = 0;
      this.#buckets.forEach((bound, i) => {
        cumulative += s.counts[i] as number;
        values.push({ metricName: `${this.name}_bucket`, labels: { ...s.labels, le: bound }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { ...s.labels, le: '+Inf' }, value: s.count });
      values.push({ metricName: `${this.name}_sum`, labels: s.labels, value: s.sum });
      values.push({ metricName: `${this.name}_count`, labels: s.labels, value: s.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.#series.clear();
  }
}
