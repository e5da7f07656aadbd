import { useId } from 'react';
import { ConveneError } from '@convene/client';
import { useStorageList } from '@convene/react';
import { FileLink } from './file-link.js';
import { FileUpload } from './file-upload.js';
import { FILES_FOLDER } from './storage-file-name.js';

/** `files/` of room storage: upload, and the live list with download links. */
export function FilesPanel() {
  const titleId = useId();
  const { data, error, failureReason, isPending } = useStorageList(FILES_FOLDER);
  // The folder exists once it holds a file; until then the room answers not_found (retried).
  const problem = error ?? failureReason;
  const empty = problem instanceof ConveneError && problem.code === 'not_found';
  const files = (empty ? [] : (data ?? [])).filter((entry) => !entry.isFolder);
  return (
    <section className="demo-panel" aria-labelledby={titleId}>
      <h2 id={titleId}>Files</h2>
      <FileUpload />
      {problem && !empty ? (
        <p role="alert" className="demo-error">
          The file list could not be loaded: {problem.message}
        </p>
      ) : isPending && !empty ? (
        <p className="demo-muted">Loading files…</p>
      ) : files.length === 0 ? (
        <p className="demo-muted">No files yet.</p>
      ) : (
        <ul className="demo-list" aria-label="Shared files">
          {files.map((entry) => (
            <FileLink key={entry.path} entry={entry} />
          ))}
        </ul>
      )}
    </section>
  );
}
