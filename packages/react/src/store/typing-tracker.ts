/**
 * Who is typing, with expiry: each `typing` message extends a participant's entry; one timer
 * fires at the earliest expiry and drops what has lapsed.
 */
export class TypingTracker {
  readonly #timeoutMs: number;
  readonly #onChange: (typing: Readonly<Record<string, number>>) => void;
  #typing: Readonly<Record<string, number>> = {};
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(timeoutMs: number, onChange: (typing: Readonly<Record<string, number>>) => void) {
    this.#timeoutMs = timeoutMs;
    this.#onChange = onChange;
  }

  get current(): Readonly<Record<string, number>> {
    return this.#typing;
  }

  /** `participantId` is typing now (or stopped, when `typing` is false). */
  mark(participantId: string, typing: boolean, now = Date.now()): void {
    if (!typing) return this.clear(participantId);
    this.#typing = { ...this.#typing, [participantId]: now + this.#timeoutMs };
    this.#onChange(this.#typing);
    this.#schedule(now);
  }

  clear(participantId: string): void {
    if (!(participantId in this.#typing)) return;
    const { [participantId]: _gone, ...rest } = this.#typing;
    this.#typing = rest;
    this.#onChange(this.#typing);
  }

  dispose(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #schedule(now: number): void {
    const next = Math.min(...Object.values(this.#typing));
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#expire(), Math.max(0, next - now));
  }

  #expire(): void {
    this.#timer = null;
    const now = Date.now();
    const kept = Object.fromEntries(Object.entries(this.#typing).filter(([, until]) => until > now));
    if (Object.keys(kept).length !== Object.keys(this.#typing).length) {
      this.#typing = kept;
      this.#onChange(this.#typing);
    }
    if (Object.keys(kept).length > 0) this.#schedule(now);
  }
}
