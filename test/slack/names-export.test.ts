/**
 * Names and Export CSV through the real app (signed requests, the fake Slack, the demo Tencent server): the store
 * is filled by the first sync pass, and the names by the real name fetcher right after it (portrait_get).
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePageButton } from '../../src/slack/state/button-state.js';
import { buttonsOf } from '../support/block-kit.js';
import { blockAction } from '../support/slack-requests.js';
import { shownTextOf, startTestApp, type TestApp, textOf } from '../support/test-app.js';

const PERSON = 'U0PERSON01';

function buttonValue(message: unknown, actionId: string): string {
  const found = buttonsOf(message).find((b) => b.action_id === actionId);
  if (found === undefined) throw new Error(`no ${actionId} button`);
  return found.value ?? '';
}

describe('names and Export CSV, end to end', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ slack: { users: { [PERSON]: { tz: 'Asia/Tokyo' } } } });
  });
  afterAll(async () => {
    await app?.close();
  });

  async function calls(text: string) {
    const sent = await app.command(text, { user_id: PERSON });
    return app.reply(sent.responseId);
  }

  it('shows names beside IDs, and a hostile name as harmless text', async () => {
    const reply = await calls('user:bob_k');
    const shown = shownTextOf(reply);
    expect(shown).toContain('calls of &lt;!channel&gt; Bob (`bob_k`)');
    expect(shown).toMatch(/from &lt;!channel&gt; Bob \(`bob_k`\) to /);
    expect(JSON.stringify(reply)).not.toContain('<!channel>');
    expect(app.blockKitErrors()).toEqual([]);
  });

  it('searches by name, accents optional, saying who matched; no match says so', async () => {
    const reply = await calls('name:"jose nu" last:7d');
    const shown = shownTextOf(reply);
    expect(shown).toContain('name:"jose nu" matched José Núñez (`3423`).');
    expect(shown).toContain('calls of José Núñez (`3423`)');
    const query = decodePageButton(buttonValue(reply, 'calls_share'));
    expect(query.ok && query.state.query.users).toEqual(['3423']);
    expect(textOf(await calls('name:nobody'))).toContain('No user\'s name contains "nobody"');
    expect(textOf(await calls('name:a'))).toContain('More than 20 users');
  });

  it('exports every call of the search to the person’s DM as CSV, and says so', async () => {
    const reply = await calls('user:147 last:7d');
    const total = Number(/(\d[\d,]*) calls?\*/.exec(textOf(reply))?.[1]?.replace(/,/g, ''));
    expect(total).toBeGreaterThan(10);
    const uploadsBefore = app.slack.uploads.length;
    const sent = await app.click({ actionId: 'calls_export_csv', value: buttonValue(reply, 'calls_export_csv') });
    const answer = await app.reply(sent.responseId);
    expect(answer.response_type).toBe('ephemeral');
    expect(answer.replace_original).toBe(false);
    expect(textOf(answer)).toMatch(/Sent to your DM: calls-\S+\.csv\. The file holds all [\d,]+ calls of the search\./);

    const open = app.slack.callsTo('conversations.open').at(-1);
    expect(open?.args.users).toBe(PERSON);
    const complete = app.slack.callsTo('files.completeUploadExternal').at(-1);
    expect(complete?.args.channel_id).toBe(`D${PERSON}`);
    const upload = app.slack.uploads[uploadsBefore];
    if (upload === undefined) throw new Error('nothing uploaded');
    const rows = parse(upload.bytes.toString('utf8'), { bom: true }) as string[][];
    expect(rows[0]?.slice(0, 3)).toEqual(['Start', 'End', 'Talk seconds']);
    expect(rows).toHaveLength(total + 1);
    // Newest first, in the person's zone, every call of 147, with the caller's name when 147 called.
    const data = rows.slice(1);
    expect(data.every((row) => row[0]?.endsWith('+09:00'))).toBe(true);
    expect(data.every((row) => row[6] === '147' || (row[7] ?? '').split('; ').includes('147'))).toBe(true);
    expect(data.filter((row) => row[6] === '147').every((row) => row[8] === 'Alice Wong')).toBe(true);
    const starts = data.map((row) => Date.parse(row[0] as string));
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    expect(app.blockKitErrors()).toEqual([]);
  });

  it('answers from the name cache: no profile request per answer, page or export', async () => {
    const profileRequests = app.tencent.stats.byCommand.portrait_get ?? 0;
    expect(profileRequests).toBeGreaterThan(0); // the fetch after the first sync pass
    const reply = await calls('name:alice last:7d');
    expect(shownTextOf(reply)).toContain('Alice Wong (`147`)');
    const next = await app.click({ actionId: 'calls_page_next', value: buttonValue(reply, 'calls_page_next') });
    expect(shownTextOf(await app.reply(next.responseId))).toContain('Alice');
    const exported = await app.click({ actionId: 'calls_export_csv', value: buttonValue(reply, 'calls_export_csv') });
    await app.reply(exported.responseId);
    await app.settled();
    expect(app.tencent.stats.byCommand.portrait_get ?? 0).toBe(profileRequests);
  });

  it('says in one sentence when the DM cannot be opened, and uploads nothing', async () => {
    const reply = await calls('user:147 last:1d');
    const uploads = app.slack.uploads.length;
    app.slack.failWith('conversations.open', 'missing_scope', { times: 1 });
    const sent = await app.click({ actionId: 'calls_export_csv', value: buttonValue(reply, 'calls_export_csv') });
    expect(textOf(await app.reply(sent.responseId))).toContain('needs the `im:write` scope');
    expect(app.slack.uploads.length).toBe(uploads);
  });

  it('exports the Home tab’s search, found by a name typed in the user box', async () => {
    const before = app.slack.callsTo('views.publish').length;
    const values = {
      home_user: { user: { type: 'plain_text_input', value: 'Zoë' } },
      home_preset: { preset: { type: 'static_select', selected_option: { value: 'last_7d' } } },
    };
    await app.send(
      blockAction({
        actionId: 'home_search',
        blockId: 'home_actions',
        userId: PERSON,
        view: { id: 'V0HOME0001', type: 'home', callback_id: 'calls_home', private_metadata: '', state: { values } },
      }),
    );
    const published = await app.slack.waitForCalls('views.publish', { count: before + 1, timeoutMs: 15_000 });
    const view = published[before]?.args.view as { private_metadata: string; blocks: unknown[] };
    const shown = shownTextOf(view.blocks);
    expect(shown).toContain('name:"Zoë" matched Zoë Ångström (`10001`).');
    expect(shown).toContain('Zoë Ångström (`10001`)');
    expect(buttonsOf(view).some((b) => b.action_id === 'home_export_csv')).toBe(true);

    const uploads = app.slack.uploads.length;
    await app.send(
      blockAction({
        actionId: 'home_export_csv',
        blockId: 'home_nav',
        userId: PERSON,
        view: { id: 'V0HOME0002', type: 'home', callback_id: 'calls_home', private_metadata: view.private_metadata },
      }),
    );
    await app.slack.waitForCalls('files.completeUploadExternal', {
      where: (call) => call.args.channel_id === `D${PERSON}`,
      count: app.slack.callsTo('files.completeUploadExternal').length + 1,
    });
    const rows = parse(app.slack.uploads[uploads]?.bytes.toString('utf8') ?? '', { bom: true }) as string[][];
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.slice(1).every((row) => row[6] === '10001' || (row[7] ?? '').split('; ').includes('10001'))).toBe(true);
  });
});

describe('names while Tencent’s profile API fails', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ tencent: { mode: 'live', server: { faults: { profileErrorRate: 1 } } } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers at once with the IDs alone', async () => {
    const sent = await app.command('user:147 last:1d');
    const reply = await app.reply(sent.responseId);
    const shown = shownTextOf(reply);
    expect(shown).toContain('calls of `147`');
    expect(shown).not.toContain('Alice Wong');
    expect(app.tencent.stats.byCommand.portrait_get ?? 0).toBeGreaterThan(0);
  });
});
