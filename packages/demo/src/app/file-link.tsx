import { useEffect, useState } from 'react';
import type { StorageEntry } from '@convene/client';
import { formatBytes, useRoomStore } from '@convene/react';

// Download URLs carry a token valid for 5 minutes: fetch a new one well before it expires.
const URL_REFRESH_MS = 4 * 60_000;

/** A file of the list: its download link (a short-lived signed URL from the room) and size. */
export function FileLink({ entry }: { entry: StorageEntry }) {
  const { client } = useRoomStore();
  const [url, setUrl] = useState<string | null>(null);
  const version = entry.updatedAt?.getTime() ?? 0;

  useEffect(() => {
    let live = true;
    const refresh = () =>
      client.storage.downloadUrl(entry.path).then(
        (next) => live && setUrl(next),
        // The file may be gone already; the list drops it on the next storage event.
        () => live && setUrl(null),
      );
    void refresh();
    const timer = setInterval(() => void refresh(), URL_REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [client, entry.path, version]);

  return (
    <li className="demo-file">
      {url ? (
        <a href={url} target="_blank" rel="noopener noreferrer">
          {entry.name}
        </a>
      ) : (
        <span>{entry.name}</span>
      )}
      {entry.size !== null ? <span className="demo-muted">{formatBytes(entry.size)}</span> : null}
    </li>
  );
}
