// Participants of the restart tests (test/reliability-restart.test.ts): real RoomClients whose
// authorization() and transport are wrapped to count, so the test can prove that every
// reconnection asked for a fresh token, and whose authorization can be held back (a gate) so
// senders rejoin after the people they send to.
import { RoomClient, nodeTransport } from '@convene/client/node';
import { participantToken } from '@convene/client/tokens';
import { SECRET } from './support/server.js';

export interface Member {
  readonly name: string;
  readonly client: RoomClient;
  /** authorization() calls so far. */
  authorizations: number;
  /** For every transport the client opened, the number of the authorization() call whose token it carried. */
  readonly opens: number[];
  /** `Date.now()` of every time the client reached the room. */
  readonly connectedAt: number[];
  /** `Date.now()` of every `reconnected` event (attributes, messaging and outbox restored). */
  readonly reconnectedAt: number[];
  /** While set, authorization() waits for it: the app's token endpoint answering late. */
  gate: Promise<void> | null;
}

/** Joins `room` at `url` (the server's `ws://host:port`). The short backoff cap keeps the tests fast. */
export async function joinMember(url: string, room: string, name: string): Promise<Member> {
  const transport = nodeTransport();
  const member: Partial<Member> & Pick<Member, 'authorizations' | 'opens' | 'connectedAt' | 'reconnectedAt' | 'gate'> = {
    name,
    authorizations: 0,
    opens: [],
    connectedAt: [],
    reconnectedAt: [],
    gate: null,
  };
  const client = new RoomClient({
    transport: (options, handlers) => {
      member.opens.push(member.authorizations);
      return transport(options, handlers);
    },
    authorization: async () => {
      if (member.gate) await member.gate;
      member.authorizations++;
      return { url: `${url}/rooms/${room}`, jwt: await participantToken({ name, room, secret: SECRET }) };
    },
    reconnect: { initialDelayMs: 100, maxDelayMs: 1_000 },
  });
  client.on('status', (status) => {
    if (status === 'connected') member.connectedAt.push(Date.now());
  });
  client.on('reconnected', () => void member.reconnectedAt.push(Date.now()));
  Object.assign(member, { client });
  await client.start();
  return member as Member;
}

/** What became of one acknowledged-or-not operation. */
export interface Outcome {
  state: 'pending' | 'acked' | 'failed';
  /** `Date.now()` when the server acknowledged it. */
  at?: number;
  error?: unknown;
}

/** Records how `operation` ends; never rejects. */
export function track(operation: Promise<unknown>, outcome: Outcome = { state: 'pending' }): Promise<Outcome> {
  return operation.then(
    () => Object.assign(outcome, { state: 'acked' as const, at: Date.now() }),
    (error: unknown) => Object.assign(outcome, { state: 'failed' as const, error }),
  );
}

export function countStates(outcomes: Iterable<Outcome>): Record<Outcome['state'], number> {
  const counts = { pending: 0, acked: 0, failed: 0 };
  for (const outcome of outcomes) counts[outcome.state]++;
  return counts;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check()` is true; throws with `describe()` when `timeoutMs` runs out. */
export async function waitFor(check: () => boolean, describe: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${describe()}`);
    await sleep(20);
  }
}
