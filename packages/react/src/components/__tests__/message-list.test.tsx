import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../types.js';
import { MessageList } from '../message-list.js';
import { scrollTo, stubListLayout } from './layout-stub.js';

const ROW = 72; // the list's default estimate, which every row measures as in jsdom
const HEIGHT = 400;

function makeMessages(count: number, from = 0, local = false): ChatMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `m${from + i}`,
    type: 'chat',
    body: { text: `Message number ${from + i}` },
    fromParticipantId: local ? 'me' : 'p1',
    senderName: local ? 'Me' : 'Alice',
    local,
    state: local ? 'sent' : 'received',
    time: Date.UTC(2025, 0, 1, 12, 0) + (from + i) * 1000,
  }));
}

const bottom = (count: number) => count * ROW - HEIGHT;

describe('MessageList', () => {
  let restore: () => void;
  beforeEach(() => {
    restore = stubListLayout({ height: HEIGHT });
  });
  afterEach(() => restore());

  it('opens at the latest message', () => {
    render(<MessageList messages={makeMessages(100)} />);
    const log = screen.getByRole('log', { name: 'Messages' });
    expect(log.scrollTop).toBe(bottom(100));
    expect(screen.getByText('Message number 99')).toBeTruthy();
    expect(screen.queryByText('Message number 0')).toBeNull();
    expect(screen.queryByRole('button', { name: /jump to latest|new message/i })).toBeNull();
  });

  it('follows new messages while the reader is at the bottom', () => {
    const first = makeMessages(100);
    const { rerender } = render(<MessageList messages={first} />);
    const log = screen.getByRole('log');
    rerender(<MessageList messages={[...first, ...makeMessages(1, 100)]} />);
    expect(log.scrollTop).toBe(bottom(101));
    expect(screen.getByText('Message number 100')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /new message/i })).toBeNull();
  });

  it('stays put when scrolled up, counts new messages, and jumps to them on request', async () => {
    const user = userEvent.setup();
    const first = makeMessages(100);
    const { rerender } = render(<MessageList messages={first} />);
    const log = screen.getByRole('log');

    act(() => scrollTo(log, 1000));
    expect(screen.getByRole('button', { name: /jump to latest/i })).toBeTruthy();

    const more = [...first, ...makeMessages(2, 100)];
    rerender(<MessageList messages={more} />);
    expect(log.scrollTop).toBe(1000);
    expect(screen.queryByText('Message number 101')).toBeNull();
    const jump = screen.getByRole('button', { name: '2 new messages' });

    rerender(<MessageList messages={[...more, ...makeMessages(1, 102)]} />);
    expect(jump.textContent).toContain('3 new messages');

    await user.click(jump);
    expect(log.scrollTop).toBe(bottom(103));
    expect(screen.getByText('Message number 102')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /new message|jump to latest/i })).toBeNull();
    // Focus stays in the log rather than falling to the page when the button disappears.
    expect(document.activeElement).toBe(log);
  });

  it('clears the count when the reader scrolls back down by hand', () => {
    const first = makeMessages(50);
    const { rerender } = render(<MessageList messages={first} />);
    const log = screen.getByRole('log');
    act(() => scrollTo(log, 0));
    rerender(<MessageList messages={[...first, ...makeMessages(1, 50)]} />);
    expect(screen.getByRole('button', { name: '1 new message' })).toBeTruthy();
    act(() => scrollTo(log, bottom(51)));
    expect(screen.queryByRole('button', { name: /new message/i })).toBeNull();
  });

  it('brings our own new message into view even when scrolled up', () => {
    const first = makeMessages(100);
    const { rerender } = render(<MessageList messages={first} />);
    const log = screen.getByRole('log');
    act(() => scrollTo(log, 0));
    rerender(<MessageList messages={[...first, ...makeMessages(1, 100, true)]} />);
    expect(log.scrollTop).toBe(bottom(101));
    expect(screen.getByText('Message number 100')).toBeTruthy();
  });

  it('keeps only a window of 10,000 messages in the DOM', () => {
    const { container } = render(<MessageList messages={makeMessages(10_000)} />);
    const rows = container.querySelectorAll('.cv-message-list-row');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(30);
    expect(screen.getByText('Message number 9999')).toBeTruthy();
    // Each rendered message says where it sits in the whole log.
    const last = screen.getByText('Message number 9999').closest('article')!;
    expect(last.getAttribute('aria-posinset')).toBe('10000');
    expect(last.getAttribute('aria-setsize')).toBe('10000');
  });

  it('scrolls through 10,000 messages showing the rows in view', () => {
    render(<MessageList messages={makeMessages(10_000)} />);
    const log = screen.getByRole('log');
    act(() => scrollTo(log, 5000 * ROW));
    expect(screen.getByText('Message number 5000')).toBeTruthy();
    expect(screen.queryByText('Message number 9999')).toBeNull();
  });

  it('says so when there are no messages, or while they load', () => {
    const { rerender } = render(<MessageList messages={[]} />);
    expect(screen.getByRole('log').textContent).toBe('No messages yet');
    rerender(<MessageList messages={[]} loading />);
    expect(screen.getByRole('log').textContent).toBe('Loading messages…');
    expect(screen.getByRole('log').getAttribute('aria-busy')).toBe('true');
  });

  it('is a polite, labelled, focusable log', () => {
    render(<MessageList messages={makeMessages(3)} label="Team chat" />);
    const log = screen.getByRole('log', { name: 'Team chat' });
    expect(log.getAttribute('aria-live')).toBe('polite');
    expect(log.tabIndex).toBe(0);
  });

  it('offers Retry on a failed message', async () => {
    const user = userEvent.setup();
    const failed: ChatMessage = { ...makeMessages(1, 0, true)[0]!, state: 'failed', error: 'Too large' };
    const retried: ChatMessage[] = [];
    render(<MessageList messages={[failed]} onRetry={(m) => retried.push(m)} />);
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(retried).toEqual([failed]);
  });
});

describe('MessageList without layout (jsdom as is, or a hidden pane)', () => {
  it('still renders a single message', () => {
    render(<MessageList messages={makeMessages(1)} />);
    expect(screen.getByText('Message number 0')).toBeTruthy();
  });

  it('still renders a screenful of the latest of 10,000 messages', () => {
    const { container } = render(<MessageList messages={makeMessages(10_000)} />);
    expect(screen.getByText('Message number 9999')).toBeTruthy();
    expect(container.querySelectorAll('.cv-message-list-row').length).toBeLessThan(40);
  });
});
