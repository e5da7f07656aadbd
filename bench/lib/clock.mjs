// Aligns each child's clock with the orchestrator's: NTP-style ping over IPC, keeping the sample
// with the shortest round trip. Children then stamp and compare times on one clock.
const rawNow = () => performance.timeOrigin + performance.now();

export async function alignClock(proc, samples = 15) {
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < samples; i++) {
    const t0 = rawNow();
    const child = await proc.call('clock');
    const t2 = rawNow();
    const rtt = t2 - t0;
    if (rtt < best.rtt) best = { rtt, offset: child - (t0 + t2) / 2 };
  }
  await proc.call('setClockOffset', { offset: best.offset });
  return best;
}
