/**
 * What Slack checks on the blocks it receives, for the fakes (fake-slack.ts, response-urls.ts): a message's or a
 * view's blocks against the Block Kit limits (`src/slack/views/limits.ts`), and a view's private_metadata.
 */
import { findLimitViolations, LIMITS } from '../../src/slack/views/limits.js';

/**
 * Every limit `payload` breaks (empty when none, or when it has no blocks: a text-only message). `payload` is a
 * message (`{ text, blocks }`) or a view (`{ type, blocks, private_metadata }`).
 */
export function blockKitProblems(payload: unknown, maxBlocks: number): string[] {
  if (typeof payload !== 'object' || payload === null) return [];
  const { blocks, private_metadata: metadata } = payload as { blocks?: unknown; private_metadata?: unknown };
  const problems =
    blocks === undefined
      ? []
      : Array.isArray(blocks)
        ? findLimitViolations(blocks, { maxBlocks })
        : ['blocks is not a list'];
  if (typeof metadata === 'string' && metadata.length > LIMITS.privateMetadata) {
    problems.push(`private_metadata ${metadata.length} > ${LIMITS.privateMetadata}`);
  }
  return problems;
}

export interface FoundButton {
  action_id: string;
  value?: string;
}

/** Every button anywhere in a message, view or payload, in document order. */
export function buttonsOf(message: unknown): FoundButton[] {
  const found: FoundButton[] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const object = value as Record<string, unknown>;
      if (object.type === 'button' && typeof object.action_id === 'string')
        found.push(object as unknown as FoundButton);
      Object.values(object).forEach(walk);
    }
  };
  walk(message);
  return found;
}
