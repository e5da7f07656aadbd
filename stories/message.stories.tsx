import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, fn, userEvent, within } from 'storybook/test';
import { Message } from '../packages/react/src/components/message.js';
import { LONG_TEXT, fileAttachment, imageAttachment, message } from './fixtures.js';

const meta = {
  title: 'Chat/Message',
  component: Message,
  args: { message: message({ id: 'm-received', text: 'Morning! Did everyone see the new draft?' }) },
} satisfies Meta<typeof Message>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Received: Story = {};

export const Own: Story = {
  args: { message: message({ id: 'm-own', local: true, text: 'Yes, I left a few comments.' }) },
};

export const Pending: Story = {
  args: { message: message({ id: 'm-pending', local: true, state: 'pending', text: 'Sending this while the network is slow…' }) },
};

/** An agent's reply while it is still being written (`body.stream.done` is false). */
export const Streaming: Story = {
  args: {
    message: {
      ...message({ id: 'm-streaming', text: 'Let me look at the notes and' }),
      senderName: 'Helper',
      body: { text: 'Let me look at the notes and', stream: { id: 'reply-1', done: false } },
    },
  },
};

export const Failed: Story = {
  args: {
    message: message({ id: 'm-failed', local: true, state: 'failed', error: 'Message too large', text: 'This one did not go through.' }),
    onRetry: fn(),
  },
  play: async ({ canvasElement, args }) => {
    const canvas = within(canvasElement);
    await expect(canvas.getByText('Not sent: Message too large')).toBeVisible();
    await userEvent.click(canvas.getByRole('button', { name: 'Retry' }));
    await expect(args.onRetry).toHaveBeenCalledWith(args.message);
  },
};

/** Both delivery problems side by side, as they appear in a list. */
export const PendingAndFailed: Story = {
  args: { onRetry: fn() },
  render: (args) => (
    <div style={{ display: 'grid', gap: '0.5rem' }}>
      <Message message={message({ id: 'm-p', local: true, state: 'pending', text: 'Waiting in the outbox until we reconnect.' })} />
      <Message
        message={message({ id: 'm-f', local: true, state: 'failed', error: 'You do not have permission to post here', text: 'Refused by the room.' })}
        onRetry={args.onRetry}
      />
    </div>
  ),
};

export const LongMessage: Story = {
  args: { message: message({ id: 'm-long', text: LONG_TEXT }) },
  play: async ({ canvasElement }) => {
    // The long URL wraps: nothing inside the bubble is wider than the bubble.
    const article = canvasElement.querySelector('.cv-message')!;
    await expect(article.scrollWidth).toBeLessThanOrEqual(article.clientWidth + 1);
  },
};

export const WithAttachment: Story = {
  args: { message: message({ id: 'm-file', text: 'Here is the report.', attachment: fileAttachment() }) },
};

export const WithImage: Story = {
  args: { message: message({ id: 'm-image', local: true, text: '', attachment: imageAttachment() }) },
};

/** A body without `text` (a structured or agent message) shows as compact JSON. */
export const DataBody: Story = {
  args: {
    message: message({
      id: 'm-data',
      type: 'tool.result',
      senderName: 'Summarizer',
      body: { summary: 'Three decisions, two open questions', decisions: 3, open: ['budget', 'launch date'] },
    }),
  },
};

export const Direct: Story = {
  args: { message: message({ id: 'm-direct', local: true, to: 'participant-3', text: 'Just between us: the demo is at 4.' }) },
};

export const RightToLeft: Story = {
  parameters: { dir: 'rtl' },
  args: { message: message({ id: 'm-rtl', local: true, senderName: 'نور خان', text: 'صباح الخير! هل رأيتم المسودة الجديدة؟' }) },
};

export const DarkTheme: Story = {
  parameters: { theme: 'dark' },
  render: (args) => (
    <div style={{ display: 'grid', gap: '0.5rem' }}>
      <Message message={message({ id: 'm-d1', text: 'Dark mode check.', attachment: fileAttachment() })} />
      <Message message={message({ id: 'm-d2', local: true, state: 'failed', error: 'Network error', text: 'Mine, failed.' })} onRetry={args.onRetry} />
    </div>
  ),
  args: { onRetry: fn() },
};
