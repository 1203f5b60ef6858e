/**
 * Block Kit hard limits (docs.slack.dev/reference/block-kit, @slack/types JSDoc) and the helpers that keep
 * every rendered message inside them. Renderers stay within these limits by construction; tests call
 * `assertWithinLimits` on worst-case input to prove it.
 */

export const LIMITS = {
  /** Blocks in one message. */
  messageBlocks: 50,
  /** Blocks in a modal or the Home tab. */
  viewBlocks: 100,
  /** `text` of a section, and of any text object. */
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  accessibilityLabel: 75,
  blockId: 255,
  actionId: 255,
  optionText: 75,
  optionValue: 75,
  selectOptions: 100,
  placeholder: 150,
  inputLabel: 2000,
  inputHint: 2000,
  privateMetadata: 3000,
  callbackId: 255,
} as const;

/**
 * Cuts plain text to at most `max` characters, ending with `…` when it had to cut. Never splits a surrogate pair.
 * For mrkdwn that may hold `<…>` tokens or `&…;` entities, use `truncateMrkdwn`.
 */
export function truncate(text: string, max: number): string {
  if (max < 1) return '';
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  // Do not leave half of a surrogate pair at the end.
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/**
 * Like `truncate`, but never leaves half of a Slack token (`<!date^…|…>`, `<@U…>`) or of an HTML entity
 * (`&amp;`) at the cut, and closes an open inline code span.
 */
export function truncateMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < 3) return truncate(text, max);
  // Room for the ellipsis and a possible closing backtick.
  let cut = truncate(text, max - 1).slice(0, -1);
  const open = cut.lastIndexOf('<');
  if (open > cut.lastIndexOf('>')) cut = cut.slice(0, open);
  // Entities we write are at most `&amp;` (5 characters): drop a trailing partial one.
  const amp = cut.lastIndexOf('&');
  if (amp >= 0 && cut.length - amp < 5 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  const ticks = (cut.match(/`/g) ?? []).length;
  return ticks % 2 === 1 ? `${cut}…\`` : `${cut}…`;
}

export interface LimitsOptions {
  /** 50 for messages, 100 for the Home tab and modals. */
  maxBlocks: number;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Returns every way `blocks` break a Block Kit limit (empty when none). Checks the limits that the renderers can
 * break: counts, text lengths, empty texts, button values, ids and their uniqueness, options.
 */
export function findLimitViolations(blocks: readonly unknown[], options: LimitsOptions): string[] {
  const problems: string[] = [];
  if (blocks.length > options.maxBlocks) problems.push(`${blocks.length} blocks > ${options.maxBlocks}`);
  if (blocks.length === 0) problems.push('no blocks');
  const blockIds = new Set<string>();

  const checkText = (where: string, text: unknown, max: number): void => {
    if (!isObject(text)) {
      problems.push(`${where}: missing text object`);
      return;
    }
    if (text.type !== 'plain_text' && text.type !== 'mrkdwn') problems.push(`${where}: bad text type`);
    const value = text.text;
    if (typeof value !== 'string' || value.length === 0) problems.push(`${where}: empty text`);
    else if (value.length > max) problems.push(`${where}: text ${value.length} > ${max}`);
  };

  const checkOption = (where: string, option: unknown): void => {
    if (!isObject(option)) {
      problems.push(`${where}: not an option`);
      return;
    }
    checkText(`${where}.text`, option.text, LIMITS.optionText);
    if (typeof option.value !== 'string' || option.value.length === 0 || option.value.length > LIMITS.optionValue) {
      problems.push(`${where}: option value length`);
    }
  };

  const checkElement = (where: string, element: unknown, actionIds: Set<string>): void => {
    if (!isObject(element)) {
      problems.push(`${where}: not an element`);
      return;
    }
    if (element.action_id !== undefined) {
      const id = element.action_id;
      if (typeof id !== 'string' || id.length === 0 || id.length > LIMITS.actionId) {
        problems.push(`${where}: action_id length`);
      } else if (actionIds.has(id)) {
        problems.push(`${where}: duplicate action_id ${id}`);
      } else {
        actionIds.add(id);
      }
    }
    if (element.placeholder !== undefined) checkText(`${where}.placeholder`, element.placeholder, LIMITS.placeholder);
    switch (element.type) {
      case 'button': {
        checkText(`${where}.text`, element.text, LIMITS.buttonText);
        if (element.value !== undefined) {
          if (typeof element.value !== 'string' || element.value.length > LIMITS.buttonValue) {
            problems.push(`${where}: button value length ${String(element.value).length} > ${LIMITS.buttonValue}`);
          }
        }
        if (
          element.accessibility_label !== undefined &&
          String(element.accessibility_label).length > LIMITS.accessibilityLabel
        ) {
          problems.push(`${where}: accessibility_label too long`);
        }
        break;
      }
      case 'static_select':
      case 'multi_static_select': {
        const opts = element.options;
        if (!Array.isArray(opts) || opts.length === 0 || opts.length > LIMITS.selectOptions) {
          problems.push(`${where}: options count`);
        } else {
          for (const [i, o] of opts.entries()) checkOption(`${where}.options[${i}]`, o);
          const values = opts.map((o) => (isObject(o) ? o.value : undefined));
          if (new Set(values).size !== values.length) problems.push(`${where}: duplicate option values`);
          const initial = [
            ...(element.initial_option ? [element.initial_option] : []),
            ...(Array.isArray(element.initial_options) ? element.initial_options : []),
          ];
          for (const chosen of initial) {
            if (!isObject(chosen) || !values.includes(chosen.value)) {
              problems.push(`${where}: initial option not among options`);
            }
          }
        }
        break;
      }
      default:
        break; // other elements carry no limit the views could break
    }
  };

  blocks.forEach((block, index) => {
    const where = `blocks[${index}]`;
    if (!isObject(block)) {
      problems.push(`${where}: not an object`);
      return;
    }
    if (block.block_id !== undefined) {
      const id = block.block_id;
      if (typeof id !== 'string' || id.length === 0 || id.length > LIMITS.blockId) {
        problems.push(`${where}: block_id length`);
      } else if (blockIds.has(id)) {
        problems.push(`${where}: duplicate block_id ${id}`);
      } else {
        blockIds.add(id);
      }
    }
    const actionIds = new Set<string>();
    switch (block.type) {
      case 'section': {
        if (block.text === undefined && block.fields === undefined) problems.push(`${where}: section without text`);
        if (block.text !== undefined) checkText(`${where}.text`, block.text, LIMITS.sectionText);
        if (block.fields !== undefined) {
          const fields = block.fields;
          if (!Array.isArray(fields) || fields.length === 0 || fields.length > LIMITS.sectionFields) {
            problems.push(`${where}: fields count`);
          } else {
            for (const [i, f] of fields.entries()) checkText(`${where}.fields[${i}]`, f, LIMITS.sectionFieldText);
          }
        }
        if (block.accessory !== undefined) checkElement(`${where}.accessory`, block.accessory, actionIds);
        break;
      }
      case 'context': {
        const elements = block.elements;
        if (!Array.isArray(elements) || elements.length === 0 || elements.length > LIMITS.contextElements) {
          problems.push(`${where}: context elements count`);
        } else {
          elements.forEach((e, i) => {
            if (isObject(e) && e.type === 'image') return;
            checkText(`${where}.elements[${i}]`, e, LIMITS.sectionText);
          });
        }
        break;
      }
      case 'actions': {
        const elements = block.elements;
        if (!Array.isArray(elements) || elements.length === 0 || elements.length > LIMITS.actionsElements) {
          problems.push(`${where}: actions elements count`);
        } else {
          for (const [i, e] of elements.entries()) checkElement(`${where}.elements[${i}]`, e, actionIds);
        }
        break;
      }
      case 'header':
        checkText(`${where}.text`, block.text, LIMITS.headerText);
        if (isObject(block.text) && block.text.type !== 'plain_text') problems.push(`${where}: header must be plain`);
        break;
      case 'input':
        checkText(`${where}.label`, block.label, LIMITS.inputLabel);
        if (block.hint !== undefined) checkText(`${where}.hint`, block.hint, LIMITS.inputHint);
        checkElement(`${where}.element`, block.element, actionIds);
        break;
      case 'divider':
        break;
      default:
        problems.push(`${where}: unexpected block type ${String(block.type)}`);
    }
  });
  return problems;
}

/** Throws, naming every violation, when `blocks` break a Block Kit limit. */
export function assertWithinLimits(blocks: readonly unknown[], options: LimitsOptions): void {
  const problems = findLimitViolations(blocks, options);
  if (problems.length > 0) throw new Error(`Block Kit limits exceeded:\n- ${problems.join('\n- ')}`);
}

/** Like `assertWithinLimits`, for a Home tab or modal view (also checks private_metadata and callback_id). */
export function assertViewWithinLimits(view: {
  blocks: readonly unknown[];
  private_metadata?: string;
  callback_id?: string;
}): void {
  const problems = findLimitViolations(view.blocks, { maxBlocks: LIMITS.viewBlocks });
  if (view.private_metadata !== undefined && view.private_metadata.length > LIMITS.privateMetadata) {
    problems.push(`private_metadata ${view.private_metadata.length} > ${LIMITS.privateMetadata}`);
  }
  if (view.callback_id !== undefined && view.callback_id.length > LIMITS.callbackId) {
    problems.push('callback_id too long');
  }
  if (problems.length > 0) throw new Error(`Block Kit limits exceeded:\n- ${problems.join('\n- ')}`);
}
