/**
 * A strict reader of the Prometheus text exposition format (0.0.4), for tests: every line is a `# HELP`, a
 * `# TYPE` or a sample of a family whose TYPE came first; anything else throws. Returns the samples.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*';
// As Prometheus reads a value (Go's ParseFloat): NaN and Inf in any case (prom-client writes `Nan`).
const VALUE = '(?:[Nn][Aa][Nn]|[+-]?[Ii][Nn][Ff]|[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?)';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL}="(?:\\\\.|[^"\\\\\\n])*",?)*)\\})? (${VALUE})(?: -?\\d+)?$`);
const HELP = new RegExp(`^# HELP (${NAME}) .*$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const SUFFIXES = ['_bucket', '_sum', '_count', '_total', '_created'];

export function parsePrometheusText(text: string): Sample[] {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line === '') continue;
    const type = TYPE.exec(line);
    if (type) {
      types.set(type[1] as string, type[2] as string);
      continue;
    }
    if (HELP.test(line)) continue;
    const sample = SAMPLE.exec(line);
    if (!sample) throw new Error(`line ${index + 1} is not Prometheus text: ${line}`);
    const name = sample[1] as string;
    const family = types.has(name) ? name : SUFFIXES.map((s) => name.slice(0, -s.length)).find((f) => types.has(f));
    if (family === undefined || (family !== name && !SUFFIXES.some((s) => name === family + s))) {
      throw new Error(`line ${index + 1}: sample ${name} has no # TYPE before it`);
    }
    const labels: Record<string, string> = {};
    for (const [, key, value] of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:\\.|[^"\\])*)"/g)) {
      labels[key as string] = (value as string).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name, labels, value: Number(sample[3]) });
  }
  return samples;
}

/** The sum of the samples of `name` whose labels include `labels` (0 when none: a counter not yet moved). */
export function sampleSum(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value))
    .reduce((sum, s) => sum + s.value, 0);
}
