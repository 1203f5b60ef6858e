import os from 'node:os';
import { mb } from './format.js';

export interface MachineFacts {
  cpuModel: string;
  cores: number;
  node: string;
  platform: string;
  totalMemoryMb: number;
  /** 1, 5 and 15 minutes: other work on the machine skews every timing here. */
  loadAverage: number[];
}

export function machineFacts(): MachineFacts {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() || 'unknown',
    cores: os.availableParallelism(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    totalMemoryMb: mb(os.totalmem()),
    loadAverage: os.loadavg().map((load) => Math.round(load * 100) / 100),
  };
}

export function describeMachine(facts: MachineFacts): string {
  return [
    `machine: ${facts.cpuModel}, ${facts.cores} core${facts.cores === 1 ? '' : 's'}, ${facts.totalMemoryMb} MB RAM`,
    `runtime: Node ${facts.node} on ${facts.platform}`,
    `load average (1/5/15 min) at start: ${facts.loadAverage.join(', ')}`,
  ].join('\n');
}
