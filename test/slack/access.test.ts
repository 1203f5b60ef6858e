import { describe, expect, it } from 'vitest';
import { type AccessPolicy, checkAccess } from '../../src/slack/access.js';

const open: AccessPolicy = { teamId: 'T1', users: [], channels: [] };

describe('checkAccess', () => {
  it('lets every member of the installing workspace in when no list is set', () => {
    expect(checkAccess(open, { surface: 'command', teamId: 'T1', userId: 'U1', channelId: 'C1' })).toEqual({
      allowed: true,
    });
    expect(checkAccess(open, { surface: 'home', teamId: 'T1', userId: 'U1' }).allowed).toBe(true);
  });

  it('refuses another workspace, whatever the lists say', () => {
    const decision = checkAccess(open, { surface: 'command', teamId: 'T2', userId: 'U1', channelId: 'C1' });
    expect(decision).toMatchObject({ allowed: false, reason: 'other-workspace' });
    // Enterprise Grid: the payload's team may be the org while the user belongs to the installing team.
    expect(checkAccess(open, { surface: 'button', teamId: 'E1', userTeamId: 'T1', userId: 'U1' }).allowed).toBe(true);
  });

  it('enforces ALLOWED_SLACK_USERS and says whom to ask', () => {
    const policy = { ...open, users: ['U1'] };
    expect(checkAccess(policy, { surface: 'command', teamId: 'T1', userId: 'U1', channelId: 'C9' }).allowed).toBe(true);
    const refused = checkAccess(policy, { surface: 'button', teamId: 'T1', userId: 'U2', channelId: 'C9' });
    expect(refused).toMatchObject({ allowed: false, reason: 'user-not-allowed' });
    if (!refused.allowed) expect(refused.message).toMatch(/admin.*ALLOWED_SLACK_USERS/);
  });

  it('enforces ALLOWED_SLACK_CHANNELS, and opens the Home tab then only to listed users', () => {
    const channels = { ...open, channels: ['C1'] };
    expect(checkAccess(channels, { surface: 'command', teamId: 'T1', userId: 'U1', channelId: 'C1' }).allowed).toBe(
      true,
    );
    const elsewhere = checkAccess(channels, { surface: 'command', teamId: 'T1', userId: 'U1', channelId: 'C2' });
    expect(elsewhere).toMatchObject({ allowed: false, reason: 'channel-not-allowed' });
    if (!elsewhere.allowed) expect(elsewhere.message).toContain('<#C1>');
    expect(checkAccess(channels, { surface: 'home', teamId: 'T1', userId: 'U1' })).toMatchObject({
      allowed: false,
      reason: 'home-needs-user-list',
    });
    const both = { ...open, users: ['U1'], channels: ['C1'] };
    expect(checkAccess(both, { surface: 'home', teamId: 'T1', userId: 'U1' }).allowed).toBe(true);
    expect(checkAccess(both, { surface: 'home', teamId: 'T1', userId: 'U2' }).allowed).toBe(false);
  });
});
