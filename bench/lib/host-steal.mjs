// How much of this machine's CPU its hypervisor gave to someone else (`steal` in /proc/stat).
// On the 2-core VM the bench runs on, a document window's p99 follows the steal in that window:
// across 192 windows of 10 s, log p99 and steal correlated at 0.81-0.88 for every server, each 1 %
// stolen multiplying p99 by about 1.12 (RESULTS.md, "Document p99 and the host's steal"). Two
// windows' p99s compare the servers only when they were stolen alike, so the document scenario
// records it for each window.
import { readFileSync } from 'node:fs';

/** The machine's cumulative CPU time split as { steal, total } (jiffies), or null off Linux. */
export function hostCpuTimes() {
  let line;
  try {
    line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  } catch {
    return null;
  }
  const fields = line.trim().split(/\s+/);
  if (fields[0] !== 'cpu') return null;
  // user nice system idle iowait irq softirq steal guest guest_nice; guest time is inside user.
  const values = fields.slice(1, 9).map(Number);
  if (values.length < 8 || values.some((v) => !Number.isFinite(v))) return null;
  return { steal: values[7], total: values.reduce((a, b) => a + b, 0) };
}

/** The share (0–1) of the machine's CPU time stolen between two readings; NaN without both. */
export function stealShare(before, after) {
  if (!before || !after || after.total <= before.total) return NaN;
  return (after.steal - before.steal) / (after.total - before.total);
}
