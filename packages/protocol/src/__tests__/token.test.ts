import { describe, expect, it } from 'vitest';
import {
  apiAllows,
  buildParticipantClaims,
  defaultApiScope,
  messagingAllows,
  parseParticipantClaims,
  roomGrantAllows,
  type ApiScope,
} from '@convene/protocol';
import { expectProtocolError, onlyProtocolErrors, Rng } from './fuzz-helpers.js';

// PROTOCOL.md §6 "Real output" of MeshAgent 0.39.9.
const ALICE_JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJuYW1lIjoiYWxpY2UiLCJncmFudHMiOlt7Im5hbWUiOiJyb29tIiwic2NvcGUiOiJteS1yb29tIn0seyJuYW1lIjoicm9sZSIsInNjb3BlIjoidXNlciJ9LHsibmFtZSI6ImFwaSIsInNjb3BlIjp7ImxpdmVraXQiOnt9LCJxdWV1ZXMiOnt9LCJtZXNzYWdpbmciOnt9LCJkYXRhc2V0Ijp7fSwibWVtb3J5Ijp7fSwic3luYyI6e30sInN0b3JhZ2UiOnt9LCJjb250YWluZXJzIjp7fSwiZGV2ZWxvcGVyIjp7fSwiYWdlbnRzIjp7fSwibGxtIjp7fSwic2VjcmV0cyI6e30sInNlcnZpY2VzIjp7fX19XSwidmVyc2lvbiI6IjAuMzYuMyJ9.xpp72A5bzuYKb74yJcirhycmgZlKbJVsMIytE3SX7WQ';
const AGENT_APIS = '{"livekit":{},"queues":{},"messaging":{},"dataset":{},"memory":{},"sync":{},"storage":{},"containers":{},"developer":{},"agents":{},"llm":{},"secrets":{},"services":{}}';
const USER_APIS = '{"livekit":{},"queues":{},"messaging":{},"dataset":{},"memory":{},"sync":{},"storage":{},"containers":{},"developer":{},"agents":{},"secrets":{},"services":{}}';
const ALICE = `{"name":"alice","grants":[{"name":"room","scope":"my-room"},{"name":"role","scope":"user"},{"name":"api","scope":${AGENT_APIS}}],"version":"0.36.3"}`;
const BOB = `{"name":"bob","grants":[{"name":"room","scope":"my-room"},{"name":"role","scope":"agent"},{"name":"api","scope":${AGENT_APIS}}],"sub":"proj-1","kid":"key-1","version":"0.36.3","exp":1893456000}`;
const CAROL = `{"name":"carol","grants":[{"name":"room","scope":"my-room"},{"name":"api","scope":${USER_APIS}}],"version":"0.36.3"}`;

function jwtPayload(jwt: string): unknown {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));
}

function claimsWith(grants: unknown[], extra: Record<string, unknown> = {}): unknown {
  return { name: 'n', grants, version: '0.39.9', ...extra };
}

describe('buildParticipantClaims', () => {
  it('writes name, grants [room, role, api], version in MeshAgent key order', () => {
    const payload = buildParticipantClaims({ name: 'alice', room: 'my-room', role: 'agent', api: { messaging: {} } });
    expect(Object.keys(payload)).toEqual(['name', 'grants', 'version']);
    expect(payload.name).toBe('alice');
    expect(payload.grants).toEqual([
      { name: 'room', scope: 'my-room' },
      { name: 'role', scope: 'agent' },
      { name: 'api', scope: { messaging: {} } },
    ]);
    expect(typeof payload.version).toBe('string');
    expect(payload).not.toHaveProperty('exp');
    expect(payload).not.toHaveProperty('iat');
  });

  it('adds exp last, only when given', () => {
    const payload = buildParticipantClaims({ name: 'bob', room: 'r', exp: 1893456000 });
    expect(Object.keys(payload)).toEqual(['name', 'grants', 'version', 'exp']);
    expect(payload.exp).toBe(1893456000);
  });

  it('defaults to role user with the userDefault() API set; agents also get llm', () => {
    const user = buildParticipantClaims({ name: 'carol', room: 'my-room' });
    expect(user.grants[1]).toEqual({ name: 'role', scope: 'user' });
    expect(user.grants[2]!.scope).toEqual(JSON.parse(USER_APIS));
    const agent = buildParticipantClaims({ name: 'bob', room: 'my-room', role: 'agent' });
    expect(agent.grants[2]!.scope).toEqual(JSON.parse(AGENT_APIS));
  });

  it('defaultApiScope grants the same APIs as MeshAgent userDefault()/agentDefault()', () => {
    // Same keys and values (JSON key order does not matter to readers).
    expect(defaultApiScope()).toEqual(JSON.parse(USER_APIS));
    expect(defaultApiScope('user')).toEqual(JSON.parse(USER_APIS));
    expect(defaultApiScope('agent')).toEqual(JSON.parse(AGENT_APIS));
    expect(Object.keys(defaultApiScope('agent')).sort()).toEqual(Object.keys(JSON.parse(AGENT_APIS)).sort());
  });

  it('what it builds parses back to the same claims', () => {
    const payload = buildParticipantClaims({ name: 'dan', room: 'r1', role: 'tool', exp: 100 });
    const claims = parseParticipantClaims(JSON.parse(JSON.stringify(payload)));
    expect(claims).toEqual({ name: 'dan', room: 'r1', role: 'tool', api: defaultApiScope('tool'), exp: 100 });
  });
});

describe('parseParticipantClaims on real MeshAgent 0.39.9 payloads', () => {
  it('the real JWT payload decodes to the printed alice payload', () => {
    expect(jwtPayload(ALICE_JWT)).toEqual(JSON.parse(ALICE));
  });

  it('alice: role user, every agentDefault API', () => {
    const claims = parseParticipantClaims(jwtPayload(ALICE_JWT));
    expect(claims).toEqual({ name: 'alice', room: 'my-room', role: 'user', api: JSON.parse(AGENT_APIS) });
    expect(claims).not.toHaveProperty('exp');
    expect(apiAllows(claims.api, 'llm')).toBe(true);
    expect(apiAllows(claims.api, 'admin')).toBe(false);
  });

  it('bob: role agent, sub/kid ignored, exp kept', () => {
    const claims = parseParticipantClaims(JSON.parse(BOB));
    expect(claims).toEqual({ name: 'bob', room: 'my-room', role: 'agent', api: JSON.parse(AGENT_APIS), exp: 1893456000 });
  });

  it('carol: no role grant → role user; no llm', () => {
    const claims = parseParticipantClaims(JSON.parse(CAROL));
    expect(claims.role).toBe('user');
    expect(claims.name).toBe('carol');
    expect(apiAllows(claims.api, 'llm')).toBe(false);
    expect(apiAllows(claims.api, 'messaging')).toBe(true);
  });
});

describe('parseParticipantClaims rules', () => {
  it('the first role that is not "user" wins', () => {
    const role = (...roles: unknown[]) =>
      parseParticipantClaims(claimsWith([{ name: 'room', scope: 'r' }, ...roles.map((scope) => ({ name: 'role', scope }))])).role;
    expect(role('user', 'agent', 'tool')).toBe('agent');
    expect(role('tool', 'agent')).toBe('tool');
    expect(role('agent', 'user')).toBe('agent');
    expect(role('user', 'user')).toBe('user');
    expect(role()).toBe('user');
  });

  it('a token without an api grant gets api null, and everything is denied', () => {
    const claims = parseParticipantClaims(claimsWith([{ name: 'room', scope: 'r' }]));
    expect(claims.api).toBeNull();
    expect(apiAllows(claims.api, 'messaging')).toBe(false);
    expect(messagingAllows(claims.api, 'send')).toBe(false);
  });

  it('accepts database and datasets as aliases of dataset', () => {
    for (const alias of ['database', 'datasets']) {
      const claims = parseParticipantClaims(claimsWith([{ name: 'room', scope: 'r' }, { name: 'api', scope: { [alias]: { list_tables: false } } }]));
      expect(apiAllows(claims.api, 'dataset')).toBe(true);
      expect(claims.api!['dataset']).toEqual({ list_tables: false });
    }
    const both = parseParticipantClaims(claimsWith([{ name: 'room', scope: 'r' }, { name: 'api', scope: { dataset: { a: 1 }, database: { b: 2 } } }]));
    expect(both.api!['dataset']).toEqual({ a: 1 });
  });

  it('ignores unknown grants (tunnel_ports) and extra claims', () => {
    const claims = parseParticipantClaims(claimsWith([{ name: 'tunnel_ports', scope: '80,443' }, { name: 'room', scope: 'r' }], { sub: 'p', kid: 'k', custom: 1 }));
    expect(claims).toEqual({ name: 'n', room: 'r', role: 'user', api: null });
  });

  it('exp is kept only when it is a number', () => {
    expect(parseParticipantClaims(claimsWith([{ name: 'room', scope: 'r' }], { exp: '1893456000' }))).not.toHaveProperty('exp');
  });

  it('refuses malformed payloads with ProtocolError', () => {
    const room = { name: 'room', scope: 'r' };
    expectProtocolError(() => parseParticipantClaims(claimsWith([])), /room/);
    expectProtocolError(() => parseParticipantClaims(claimsWith([{ name: 'role', scope: 'agent' }])), /room/);
    expectProtocolError(() => parseParticipantClaims(claimsWith([{ name: 'room', scope: 5 }])), /room/);
    expectProtocolError(() => parseParticipantClaims({ grants: [room] }), /name/);
    expectProtocolError(() => parseParticipantClaims({ name: '', grants: [room] }), /name/);
    expectProtocolError(() => parseParticipantClaims({ name: 7, grants: [room] }), /name/);
    expectProtocolError(() => parseParticipantClaims({ name: 'n' }), /grants/);
    expectProtocolError(() => parseParticipantClaims({ name: 'n', grants: { room: 'r' } }), /grants/);
    expectProtocolError(() => parseParticipantClaims(claimsWith([room, { name: 'api', scope: {} }, { name: 'api', scope: {} }])), /more than one/);
    for (const scope of [null, [], 'all', true, undefined]) {
      expectProtocolError(() => parseParticipantClaims(claimsWith([room, { name: 'api', scope }])), /"api"/);
    }
    expectProtocolError(() => parseParticipantClaims(claimsWith([room, 'api'])), /malformed grant/);
    expectProtocolError(() => parseParticipantClaims(claimsWith([room, { scope: 'x' }])), /malformed grant/);
    for (const payload of [null, 'jwt', [], 3]) expectProtocolError(() => parseParticipantClaims(payload), /object/);
  });
});

describe('grant checks', () => {
  it('roomGrantAllows compares the room exactly', () => {
    const claims = parseParticipantClaims(JSON.parse(ALICE));
    expect(roomGrantAllows(claims, 'my-room')).toBe(true);
    expect(roomGrantAllows(claims, 'my-room2')).toBe(false);
    expect(roomGrantAllows(claims, 'My-Room')).toBe(false);
  });

  it('apiAllows: absent = denied, {} = allowed, null api = all denied', () => {
    const api: ApiScope = { messaging: {}, storage: { paths: [] } };
    expect(apiAllows(api, 'messaging')).toBe(true);
    expect(apiAllows(api, 'storage')).toBe(true);
    expect(apiAllows(api, 'sync')).toBe(false);
    expect(apiAllows({ sync: null }, 'sync')).toBe(false);
    expect(apiAllows(null, 'messaging')).toBe(false);
  });

  it('apiAllows does not treat inherited Object properties as grants', () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf']) {
      expect(apiAllows({}, name)).toBe(false);
      expect(apiAllows(defaultApiScope('agent'), name)).toBe(false);
    }
  });

  it('messagingAllows: {} allows all, {send:false} denies only send, absent or null denies all', () => {
    for (const op of ['send', 'broadcast', 'list'] as const) {
      expect(messagingAllows({ messaging: {} }, op)).toBe(true);
      expect(messagingAllows({ storage: {} }, op)).toBe(false);
      expect(messagingAllows(null, op)).toBe(false);
    }
    const noSend: ApiScope = { messaging: { send: false } };
    expect(messagingAllows(noSend, 'send')).toBe(false);
    expect(messagingAllows(noSend, 'broadcast')).toBe(true);
    expect(messagingAllows(noSend, 'list')).toBe(true);
    expect(messagingAllows({ messaging: { broadcast: false, list: false, send: true } }, 'send')).toBe(true);
    expect(messagingAllows({ messaging: { broadcast: false } }, 'broadcast')).toBe(false);
  });
});

describe('fuzz: parseParticipantClaims throws only ProtocolError', () => {
  it('10,000 random and mutated payloads', () => {
    const rng = new Rng(0x70c3);
    const bases = [ALICE, BOB, CAROL];
    let parsed = 0;
    for (let i = 0; i < 10_000; i++) {
      let payload: unknown;
      const kind = rng.int(0, 2);
      if (kind === 0) payload = rng.json(4);
      else if (kind === 1) {
        // A real payload with some grants replaced by random values.
        const base = JSON.parse(rng.pick(bases)) as { grants: unknown[]; [k: string]: unknown };
        const n = rng.int(1, 3);
        for (let m = 0; m < n; m++) {
          const target = Array.isArray(base.grants) ? rng.int(0, 3) : 2;
          if (target === 0) base.grants[rng.int(0, base.grants.length)] = rng.json(2);
          else if (target === 1) base.grants.push({ name: rng.pick(['room', 'role', 'api', 'x']), scope: rng.json(2) });
          else if (target === 2) base[rng.pick(['name', 'exp', 'grants'])] = rng.json(1);
          else base.grants.splice(rng.int(0, base.grants.length - 1), 1);
        }
        payload = base;
      } else {
        // Byte-mutated JSON text that still parses.
        const text = new TextDecoder().decode(rng.mutate(new TextEncoder().encode(rng.pick(bases))));
        try {
          payload = JSON.parse(text);
        } catch {
          payload = text;
        }
      }
      const claims = onlyProtocolErrors(() => parseParticipantClaims(payload), () => JSON.stringify(payload));
      if (claims !== undefined) {
        parsed++;
        expect(typeof claims.name).toBe('string');
        expect(typeof claims.room).toBe('string');
        expect(typeof claims.role).toBe('string');
        expect(claims.api === null || typeof claims.api === 'object').toBe(true);
        for (const op of ['send', 'broadcast', 'list'] as const) expect(typeof messagingAllows(claims.api, op)).toBe('boolean');
      }
    }
    expect(parsed).toBeGreaterThan(1000);
  });
});
