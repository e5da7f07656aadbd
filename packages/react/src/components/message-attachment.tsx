import { forwardRef, useEffect, useState, type HTMLAttributes } from 'react';
import type { AttachmentInfo } from '../types.js';
import { formatBytes } from './format-bytes.js';
import { PaperclipIcon } from './paperclip-icon.js';

export interface MessageAttachmentProps extends HTMLAttributes<HTMLDivElement> {
  attachment: AttachmentInfo;
  /** Show an inline preview for `image/*` attachments (default true). */
  preview?: boolean;
}

/**
 * A message's attached file: its name and size, a download link, and for images a preview.
 * The link and the preview appear after mount (they need a blob URL, which servers cannot make).
 *
 * @example
 * {message.attachment ? <MessageAttachment attachment={message.attachment} /> : null}
 */
export const MessageAttachment = forwardRef<HTMLDivElement, MessageAttachmentProps>(function MessageAttachment(
  { attachment, preview = true, className, ...rest },
  ref,
) {
  const url = useBlobUrl(attachment);
  const name = attachment.name ?? 'Attachment';
  const isImage = preview && (attachment.mimeType?.startsWith('image/') ?? false);
  return (
    <div
      ref={ref}
      data-kind={isImage ? 'image' : 'file'}
      className={className ? `cv-message-attachment ${className}` : 'cv-message-attachment'}
      {...rest}
    >
      {isImage && url ? <img className="cv-message-attachment-preview" src={url} alt={name} /> : null}
      <span className="cv-message-attachment-info">
        <PaperclipIcon className="cv-icon cv-message-attachment-icon" />
        {url ? (
          <a className="cv-message-attachment-name" href={url} download={name}>
            {name}
          </a>
        ) : (
          <span className="cv-message-attachment-name">{name}</span>
        )}
        <span className="cv-message-attachment-size">{formatBytes(attachment.size)}</span>
      </span>
    </div>
  );
});

function useBlobUrl(attachment: AttachmentInfo): string | null {
  const [url, setUrl] = useState<string | null>(null);
  const { data, mimeType } = attachment;
  useEffect(() => {
    // jsdom and some embedded webviews have no object URLs; the name and size still show.
    if (typeof URL.createObjectURL !== 'function' || data.byteLength === 0) return;
    const blob = new Blob([data as Uint8Array<ArrayBuffer>], mimeType ? { type: mimeType } : {});
    const created = URL.createObjectURL(blob);
    setUrl(created);
    // Revoked on unmount: a virtualized list unmounts rows as they scroll away.
    return () => {
      URL.revokeObjectURL(created);
      setUrl(null);
    };
  }, [data, mimeType]);
  return url;
}
