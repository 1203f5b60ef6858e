/**
 * manifest.yml against Slack's manifest schema as @slack/web-api declares it (its `Manifest` type and the
 * interfaces under it, read from the installed package, so a field Slack does not know fails here), plus the
 * limits Slack enforces on texts, and against the app itself: every shortcut, step and event the manifest
 * declares is one the app listens for.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FUNCTION_IDS, SHORTCUT_IDS } from '../src/slack/views/ids.js';

interface Field {
  optional: boolean;
  type: string;
}

/** The interfaces and string-literal unions of the installed manifest types. */
function readManifestTypes(): { interfaces: Map<string, Map<string, Field>>; unions: Map<string, string> } {
  const require = createRequire(import.meta.url);
  const webApi = path.dirname(require.resolve('@slack/web-api/package.json'));
  const text = readFileSync(path.join(webApi, 'dist/types/request/manifest.d.ts'), 'utf8').replace(
    /\/\*\*[\s\S]*?\*\//g,
    '',
  );
  const interfaces = new Map<string, Map<string, Field>>();
  for (const match of text.matchAll(/interface (\w+)(?: extends ([\w<>, ]+))? \{([\s\S]*?)\n\}/g)) {
    const fields = new Map<string, Field>();
    for (const parent of (match[2] ?? '').split(',').map((p) => p.trim())) {
      for (const [key, field] of interfaces.get(parent) ?? []) fields.set(key, field);
    }
    for (const line of (match[3] ?? '').split('\n')) {
      const field = /^\s+(\w+)(\?)?: (.+);$/.exec(line);
      if (field) fields.set(field[1] as string, { optional: field[2] === '?', type: (field[3] as string).trim() });
    }
    interfaces.set(match[1] as string, fields);
  }
  const unions = new Map<string, string>();
  for (const match of text.matchAll(/type (\w+) = ([^;]+);/g))
    unions.set(match[1] as string, (match[2] as string).trim());
  return { interfaces, unions };
}

const { interfaces, unions } = readManifestTypes();

/** Every place `value` breaks the type `type` (a name from the .d.ts, a primitive, `X[]`, `Record<string, X>`). */
function problems(value: unknown, type: string, at: string): string[] {
  if (type.endsWith('[]')) {
    if (!Array.isArray(value)) return [`${at}: not a list`];
    return value.flatMap((item, i) => problems(item, type.slice(0, -2), `${at}[${i}]`));
  }
  const record = /^Record<string, (\w+)>$/.exec(type);
  if (record) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${at}: not a map`];
    return Object.entries(value).flatMap(([key, item]) => problems(item, record[1] as string, `${at}.${key}`));
  }
  if (type === 'string' || type === 'number' || type === 'boolean') {
    return typeof value === type ? [] : [`${at}: ${JSON.stringify(value)} is not a ${type}`];
  }
  if (/^'[^']*'( \| '[^']*')*$/.test(type)) {
    const allowed = type.split(' | ').map((literal) => literal.slice(1, -1));
    return allowed.includes(value as string) ? [] : [`${at}: ${JSON.stringify(value)} is not one of ${type}`];
  }
  const union = unions.get(type);
  if (union !== undefined) {
    if (union.includes("'")) return problems(value, union, at);
    // A union of interfaces (parameter properties): the value must be one of them.
    const each = union.split(' | ').map((name) => problems(value, name.trim(), at));
    return each.some((found) => found.length === 0) ? [] : [`${at}: none of ${union} (${each.flat().join('; ')})`];
  }
  const fields = interfaces.get(type);
  if (fields === undefined) throw new Error(`unknown type ${type} at ${at}`);
  return objectProblems(value, fields, at);
}

function objectProblems(value: unknown, fields: Map<string, Field>, at: string): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${at}: not an object`];
  const found: string[] = [];
  for (const [key, field] of fields) {
    if (!field.optional && !(key in value)) found.push(`${at}.${key}: missing`);
  }
  for (const [key, item] of Object.entries(value)) {
    const field = fields.get(key);
    if (field === undefined) found.push(`${at}.${key}: not a manifest field`);
    else found.push(...problems(item, field.type, `${at}.${key}`));
  }
  return found;
}

const manifest = parse(readFileSync(new URL('../manifest.yml', import.meta.url), 'utf8')) as {
  display_information: { name: string; description: string; long_description: string };
  features: {
    bot_user: { display_name: string };
    slash_commands: Array<{ command: string; description: string; usage_hint?: string }>;
    shortcuts: Array<{ name: string; type: string; callback_id: string; description: string }>;
    unfurl_domains: string[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { bot_events: string[] }; function_runtime?: string; org_deploy_enabled?: boolean };
  functions: Record<
    string,
    { input_parameters: { properties: Record<string, { type: string }>; required?: string[] } } & {
      output_parameters: { properties: Record<string, { type: string }>; required?: string[] };
    }
  >;
};

describe('manifest.yml', () => {
  it('has only fields, scopes and events of the manifest schema', () => {
    expect(interfaces.get('Manifest')?.has('functions')).toBe(true);
    expect(problems(manifest, 'Manifest', 'manifest')).toEqual([]);
  });

  it('catches a field Slack does not know (the check above can fail)', () => {
    const broken = structuredClone(manifest) as unknown as Record<string, Record<string, unknown>>;
    (broken.features as Record<string, unknown>).app_unfurl_domains = ['x.example.com'];
    (broken.oauth_config as { scopes: { bot: string[] } }).scopes.bot.push('links:everything');
    expect(problems(broken, 'Manifest', 'manifest')).toEqual([
      'manifest.features.app_unfurl_domains: not a manifest field',
      expect.stringContaining(
        `manifest.oauth_config.scopes.bot[${manifest.oauth_config.scopes.bot.length}]: "links:everything" is not one of`,
      ),
    ]);
  });

  it("keeps Slack's text limits", () => {
    expect(manifest.display_information.name.length).toBeLessThanOrEqual(35);
    expect(manifest.display_information.description.length).toBeLessThanOrEqual(140);
    expect(manifest.display_information.long_description.length).toBeLessThanOrEqual(4000);
    expect(manifest.features.bot_user.display_name.length).toBeLessThanOrEqual(80);
    for (const command of manifest.features.slash_commands) {
      expect(command.command.length).toBeLessThanOrEqual(32);
      expect(command.description.length).toBeLessThanOrEqual(2000);
    }
  });

  it('declares the call links: the unfurl domain, link_shared and the links scopes', () => {
    expect(manifest.features.unfurl_domains).toEqual(['YOUR-HOST']);
    expect(manifest.settings.event_subscriptions.bot_events).toContain('link_shared');
    expect(manifest.oauth_config.scopes.bot).toEqual(expect.arrayContaining(['links:read', 'links:write']));
  });

  it('declares exactly the shortcuts the app listens for', () => {
    expect(manifest.features.shortcuts.map((s) => [s.type, s.callback_id]).sort()).toEqual(
      [
        ['global', SHORTCUT_IDS.searchCalls],
        ['message', SHORTCUT_IDS.findCalls],
      ].sort(),
    );
  });

  it('declares the Workflow Builder steps the app runs, with their inputs and outputs, run by the app itself', () => {
    expect(manifest.settings.function_runtime).toBe('remote');
    expect(manifest.settings.org_deploy_enabled).toBe(true);
    expect(Object.keys(manifest.functions).sort()).toEqual(Object.values(FUNCTION_IDS).sort());
    const lookUp = manifest.functions[FUNCTION_IDS.lookUpCalls];
    expect(Object.keys(lookUp?.input_parameters.properties ?? {}).sort()).toEqual(['range', 'user', 'user_context']);
    expect(Object.keys(lookUp?.output_parameters.properties ?? {}).sort()).toEqual(
      ['count', 'dropped_count', 'newest_call', 'newest_call_link'].sort(),
    );
    const getCall = manifest.functions[FUNCTION_IDS.getCall];
    expect(Object.keys(getCall?.input_parameters.properties ?? {}).sort()).toEqual(['call_id', 'user_context']);
    expect(Object.keys(getCall?.output_parameters.properties ?? {}).sort()).toEqual(
      ['cause', 'duration', 'link', 'participants', 'result'].sort(),
    );
    for (const step of Object.values(manifest.functions)) {
      expect(step.input_parameters.properties.user_context?.type).toBe('slack#/types/user_context');
      expect(step.input_parameters.required).toContain('user_context');
    }
  });
});
