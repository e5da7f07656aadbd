// Scenario 7: React render cost. A real Convene server, `participants` light protocol peers, and a
// React observer (jsdom + the real store and selector hooks on a real RoomClient). Peers change a
// `cursor` attribute (ticks at `tickHz`, `perTick` peers each, drawn from the first `active`) and
// broadcast chat lines; the observer counts renders per component.
import { SECRET, settings, startDrivers, startServer, stopAll } from '../lib/harness.mjs';
import { sleep } from '../lib/child.mjs';

export async function reactRenders({ participants, active, tickHz, perTick, messagesPerSec, durationMs }) {
  const server = await startServer('convene', { tag: 'react' });
  const [observer] = await startDrivers('drivers/react.mjs', 1, 'react-observer');
  const [peers] = await startDrivers('drivers/peers.mjs', 1, 'react-peers');
  const room = 'react-bench';
  try {
    await observer.call('connect', { url: server.url, room, secret: SECRET });
    await peers.call('setup', { url: server.url, room, secret: SECRET, count: participants }, 120_000);
    await observer.call('mount', { expected: participants, settleMs: settings.pauseMs / 2 });
    await observer.call('reset');
    const sent = await peers.call('run', { durationMs, tickHz, perTick, active, messagesPerSec }, durationMs + 30_000);
    await sleep(settings.pauseMs / 2);
    const r = await observer.call('report');
    const seconds = durationMs / 1000;
    const changed = r.rows.filter((row) => row.changes > 0);
    const unchanged = r.rows.filter((row) => row.changes === 0);
    const changedRenders = changed.reduce((n, row) => n + row.renders, 0);
    return {
      participants: r.rows.length,
      attributeChangesPerSec: r.attributeChanges / seconds,
      messagesPerSec: r.messages / seconds,
      sent,
      // Renders of a participant's consumer per change of that participant (target ≤ 1).
      rowRendersPerChange: r.attributeChanges ? changedRenders / r.attributeChanges : NaN,
      maxRowRendersPerChange: Math.max(0, ...changed.map((row) => row.renders / row.changes)),
      activeRowRendersPerSec: changed.length ? changedRenders / changed.length / seconds : 0,
      // Rows whose participant never changed (target 0).
      idleRowRenders: unchanged.reduce((n, row) => n + row.renders, 0),
      idleRows: unchanged.length,
      participantListPerSec: r.participantList / seconds,
      participantListPerChange: r.attributeChanges ? r.participantList / r.attributeChanges : NaN,
      messageListPerSec: r.messageList / seconds,
      messageListPerMessage: r.messages ? r.messageList / r.messages : NaN,
      connectionStatusRenders: r.connectionStatus,
      localParticipantRenders: r.localParticipant,
    };
  } finally {
    await stopAll([observer, peers, server]);
  }
}
