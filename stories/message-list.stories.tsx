import type { Meta, StoryObj } from '@storybook/react-vite';
import { useState } from 'react';
import { expect, fn, userEvent, waitFor, within } from 'storybook/test';
import { MessageList } from '../packages/react/src/components/message-list.js';
import type { ChatMessage } from '../packages/react/src/types.js';
import { BASE_TIME, LONG_TEXT, fileAttachment, imageAttachment, makeMessages, message, personName } from './fixtures.js';

const meta = {
  title: 'Chat/MessageList',
  component: MessageList,
  parameters: { surface: 'pane' },
  args: { messages: makeMessages(12), onRetry: fn() },
} satisfies Meta<typeof MessageList>;

export default meta;
type Story = StoryObj<typeof meta>;

const distanceFromBottom = (element: HTMLElement) => element.scrollHeight - element.scrollTop - element.clientHeight;
const frames = (n = 3) =>
  new Promise<void>((resolve) => {
    const step = (left: number) => (left === 0 ? resolve() : requestAnimationFrame(() => step(left - 1)));
    step(n);
  });

export const Empty: Story = { args: { messages: [] } };

export const Loading: Story = { args: { messages: [], loading: true } };

export const Conversation: Story = {};

export const LongMessage: Story = {
  args: { messages: [...makeMessages(6), message({ id: 'long-1', text: LONG_TEXT }), message({ id: 'long-2', local: true, text: LONG_TEXT })] },
  play: async ({ canvasElement }) => {
    const log = within(canvasElement).getByRole('log');
    // Long lines wrap inside the log: it never scrolls sideways.
    await expect(log.scrollWidth).toBeLessThanOrEqual(log.clientWidth);
  },
};

export const PendingAndFailed: Story = {
  args: {
    messages: [
      ...makeMessages(6),
      message({ id: 'pf-1', local: true, state: 'pending', text: 'Waiting in the outbox…', time: BASE_TIME + 600_000 }),
      message({ id: 'pf-2', local: true, state: 'failed', error: 'Message too large', text: 'This one was refused.', time: BASE_TIME + 610_000 }),
    ],
  },
};

export const WithAttachment: Story = {
  args: {
    messages: [
      ...makeMessages(4),
      message({ id: 'att-1', text: 'The report, as promised.', attachment: fileAttachment() }),
      message({ id: 'att-2', local: true, text: 'And a photo of the whiteboard:', attachment: imageAttachment() }),
    ],
  },
};

/** 10,000 messages: only the rows in view (plus a few) are in the DOM, starting at the latest. */
export const TenThousandMessages: Story = {
  args: { messages: makeMessages(10_000) },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const log = canvas.getByRole('log');
    await waitFor(() => expect(canvas.getByText(/\(#10000\)/)).toBeVisible());
    await expect(log.querySelectorAll('.cv-message-list-row').length).toBeLessThan(80);
  },
};

let liveCount = 0;
function live(local: boolean): ChatMessage {
  liveCount += 1;
  return message({
    id: `live-${liveCount}`,
    local,
    text: local ? `My live message ${liveCount}` : `Live message ${liveCount}`,
    ...(local ? {} : { senderName: personName(3) }),
    time: BASE_TIME + 86_400_000 + liveCount * 1000,
  });
}

/** A list with buttons that add messages, to try the scroll behaviour by hand. */
function GrowingList(props: { initial: readonly ChatMessage[] }) {
  const [messages, setMessages] = useState(props.initial);
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: '0.5rem', blockSize: '100%', minBlockSize: 0 }}>
      <div style={{ display: 'flex', gap: '0.5rem' }}>
        <button type="button" onClick={() => setMessages((list) => [...list, live(false)])}>
          Receive a message
        </button>
        <button type="button" onClick={() => setMessages((list) => [...list, live(true)])}>
          Send a message
        </button>
      </div>
      <MessageList messages={messages} />
    </div>
  );
}

/**
 * At the bottom, new messages scroll into view. Scrolled up, the view stays put and a
 * "N new messages" button appears; it brings the reader back down.
 */
export const NewMessagesWhileScrolledUp: Story = {
  render: (args) => <GrowingList initial={args.messages} />,
  args: { messages: makeMessages(200, 7) },
  play: async ({ canvasElement, step }) => {
    const canvas = within(canvasElement);
    const log = canvas.getByRole('log');
    const receive = canvas.getByRole('button', { name: 'Receive a message' });

    await step('starts at the latest message', async () => {
      await waitFor(() => expect(distanceFromBottom(log)).toBeLessThanOrEqual(2));
    });

    await step('follows a new message while at the bottom', async () => {
      await userEvent.click(receive);
      const last = `Live message ${liveCount}`;
      await waitFor(() => expect(canvas.getByText(last)).toBeVisible());
      await waitFor(() => expect(distanceFromBottom(log)).toBeLessThanOrEqual(2));
      await expect(canvas.queryByRole('button', { name: /new message|jump to latest/i })).toBeNull();
    });

    let anchor = { index: '', top: 0 };
    await step('scrolling up shows "Jump to latest"', async () => {
      log.scrollTop = Math.max(0, log.scrollHeight / 2);
      await waitFor(() => expect(canvas.getByRole('button', { name: /jump to latest/i })).toBeVisible());
      await frames(5);
      const row = firstVisibleRow(log);
      anchor = { index: row.dataset['index']!, top: row.getBoundingClientRect().top };
    });

    await step('new messages do not move the view; the button counts them', async () => {
      await userEvent.click(receive);
      await userEvent.click(receive);
      await waitFor(() => expect(canvas.getByRole('button', { name: '2 new messages' })).toBeVisible());
      await frames(5);
      const row = log.querySelector<HTMLElement>(`[data-index="${anchor.index}"]`)!;
      await expect(Math.abs(row.getBoundingClientRect().top - anchor.top)).toBeLessThanOrEqual(1);
      await expect(canvas.queryByText(`Live message ${liveCount}`)).toBeNull();
    });

    await step('the button jumps to the latest message', async () => {
      await userEvent.click(canvas.getByRole('button', { name: '2 new messages' }));
      await waitFor(() => expect(canvas.getByText(`Live message ${liveCount}`)).toBeVisible());
      await waitFor(() => expect(distanceFromBottom(log)).toBeLessThanOrEqual(2));
      await expect(canvas.queryByRole('button', { name: /new message|jump to latest/i })).toBeNull();
    });

    await step('our own message always brings the view down', async () => {
      log.scrollTop = 0;
      await waitFor(() => expect(canvas.getByRole('button', { name: /jump to latest/i })).toBeVisible());
      await userEvent.click(canvas.getByRole('button', { name: 'Send a message' }));
      await waitFor(() => expect(canvas.getByText(`My live message ${liveCount}`)).toBeVisible());
      await waitFor(() => expect(distanceFromBottom(log)).toBeLessThanOrEqual(2));
    });
  },
};

function firstVisibleRow(log: HTMLElement): HTMLElement {
  const top = log.getBoundingClientRect().top;
  const rows = Array.from(log.querySelectorAll<HTMLElement>('.cv-message-list-row'));
  const row = rows.find((candidate) => candidate.getBoundingClientRect().top >= top);
  if (!row) throw new Error('no visible row');
  return row;
}

export const RightToLeft: Story = {
  parameters: { dir: 'rtl' },
  args: {
    messages: [
      message({ id: 'rtl-1', senderName: 'ليلى حداد', text: 'صباح الخير! هل رأيتم المسودة الجديدة؟', time: BASE_TIME }),
      message({ id: 'rtl-2', local: true, senderName: 'نور خان', text: 'نعم، تركت بعض التعليقات.', time: BASE_TIME + 60_000 }),
      message({ id: 'rtl-3', senderName: 'ليلى حداد', text: 'شكراً!', time: BASE_TIME + 120_000 }),
    ],
  },
};

export const DarkTheme: Story = {
  parameters: { theme: 'dark' },
  args: {
    messages: [
      ...makeMessages(8),
      message({ id: 'dark-f', local: true, state: 'failed', error: 'Network error', text: 'Failed in the dark.', time: BASE_TIME + 900_000 }),
    ],
  },
};
