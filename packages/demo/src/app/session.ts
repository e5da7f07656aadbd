/** What this tab remembers: the last name and room, and whether we are in the room. */
export interface JoinDetails {
  name: string;
  room: string;
}

const KEY = 'convene-demo';
export const DEFAULT_ROOM = 'lobby';

interface Stored {
  name?: string;
  room?: string;
  joined?: boolean;
}

function read(): Stored {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) ?? '{}') as Stored;
  } catch {
    return {};
  }
}

function write(value: Stored): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(value));
  } catch {
    // Private mode or storage full: the form simply starts empty next time.
  }
}

/** The form's starting values: `?room=` wins, then this tab's last room, then `lobby`. */
export function initialDetails(search: string = location.search): JoinDetails {
  const stored = read();
  const fromUrl = new URLSearchParams(search).get('room');
  return { name: stored.name ?? '', room: fromUrl || stored.room || DEFAULT_ROOM };
}

/** The room this tab was in before a reload, if the `?room=` link still points at it. */
export function rememberedJoin(search: string = location.search): JoinDetails | null {
  const stored = read();
  if (!stored.joined || !stored.name || !stored.room) return null;
  const fromUrl = new URLSearchParams(search).get('room');
  return fromUrl && fromUrl !== stored.room ? null : { name: stored.name, room: stored.room };
}

export function saveJoin(details: JoinDetails, joined: boolean): void {
  write({ ...details, joined });
}
