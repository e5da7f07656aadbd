import { useId, useState, type ChangeEvent } from 'react';
import { useRoomStore } from '@convene/react';
import { FILES_FOLDER, storageFileName } from './storage-file-name.js';

interface Progress {
  name: string;
  sent: number;
  total: number;
}

/**
 * Picks a file and uploads it to `files/`, with a progress bar. The list next to it updates
 * through the room's storage events, for this tab and every other one.
 */
export function FileUpload() {
  const { client } = useRoomStore();
  const [progress, setProgress] = useState<Progress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  const upload = async (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const file = input.files?.[0];
    if (!file) return;
    const name = storageFileName(file.name);
    setError(null);
    setProgress({ name, sent: 0, total: file.size });
    try {
      // Same name replaces the file, like dropping it into a shared folder twice.
      await client.storage.upload(`${FILES_FOLDER}/${name}`, file, {
        overwrite: true,
        onProgress: ({ sent, total }) => setProgress({ name, sent, total: total ?? file.size }),
      });
    } catch (cause) {
      setError(`Could not upload ${name}: ${cause instanceof Error ? cause.message : String(cause)}`);
    } finally {
      setProgress(null);
      // Picking the same file again should upload it again.
      input.value = '';
    }
  };

  const percent = progress && progress.total > 0 ? Math.round((progress.sent / progress.total) * 100) : 0;
  return (
    <div className="demo-upload">
      <label htmlFor={`${id}-file`}>Upload a file</label>
      <input id={`${id}-file`} type="file" onChange={(event) => void upload(event)} disabled={progress !== null} />
      {progress ? (
        <div className="demo-progress">
          <progress id={`${id}-progress`} max={Math.max(progress.total, 1)} value={progress.sent} aria-label={`Uploading ${progress.name}`} />
          <span aria-live="polite">{percent}%</span>
        </div>
      ) : null}
      {error ? (
        <p role="alert" className="demo-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
