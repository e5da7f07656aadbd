import type { Meta, StoryObj } from '@storybook/react-vite';
import { useState } from 'react';
import { expect, fn, userEvent, waitFor, within } from 'storybook/test';
import { Chat, type ChatProps } from '../packages/react/src/components/chat.js';
import type { ComposerDraft } from '../packages/react/src/components/composer.js';
import type { ChatMessage } from '../packages/react/src/types.js';
import { BASE_TIME, localParticipant, makeMessages, message, personName } from './fixtures.js';

const meta = {
  title: 'Chat/Chat',
  component: Chat,
  parameters: { surface: 'pane' },
  args: { messages: makeMessages(20, 3), onSend: fn(), onTyping: fn(), onRetryMessage: fn(), status: 'connected' },
} satisfies Meta<typeof Chat>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Empty: Story = { args: { messages: [] } };

export const Loading: Story = { args: { messages: [], loading: true, status: 'connecting' } };

export const Conversation: Story = {};

export const Typing: Story = { args: { typingNames: [personName(1), personName(2)] } };

/** Reconnecting: the banner shows, and sending stays on (the client queues and delivers later). */
export const Reconnecting: Story = {
  args: {
    status: 'reconnecting',
    messages: [...makeMessages(10, 3), message({ id: 'queued', local: true, state: 'pending', text: 'Queued while reconnecting', time: BASE_TIME + 3_600_000 })],
  },
};

export const Disconnected: Story = {
  args: {
    status: 'disconnected',
    error: { code: 'connection_lost', message: 'The connection to the room was lost.' },
    onReconnect: fn(),
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(canvas.getByRole('alert')).toHaveTextContent('Disconnected');
    await expect(canvas.getByRole('button', { name: 'Send' })).toBeDisabled();
  },
};

export const TenThousandMessages: Story = { args: { messages: makeMessages(10_000) } };

/** Sending works: the message shows as pending, then as sent. */
function LiveChat(props: ChatProps) {
  const [messages, setMessages] = useState<readonly ChatMessage[]>(props.messages);
  const onSend = (draft: ComposerDraft) => {
    props.onSend(draft);
    const id = `sent-${Date.now()}-${messages.length}`;
    const sent = message({
      id,
      local: true,
      state: 'pending',
      text: draft.text,
      senderName: localParticipant.name!,
      time: BASE_TIME + 7_200_000 + messages.length * 1000,
      ...(draft.file ? { attachment: { name: draft.file.name, size: draft.file.size, mimeType: draft.file.type, data: new Uint8Array() } } : {}),
    });
    setMessages((list) => [...list, sent]);
    setTimeout(() => setMessages((list) => list.map((m) => (m.id === id ? { ...m, state: 'sent' } : m))), 400);
  };
  return <Chat {...props} messages={messages} onSend={onSend} />;
}

export const SendAMessage: Story = {
  render: (args) => <LiveChat {...args} />,
  play: async ({ canvasElement, args }) => {
    const canvas = within(canvasElement);
    await userEvent.type(canvas.getByRole('textbox', { name: 'Message' }), 'Hello from the story{Enter}');
    await expect(args.onSend).toHaveBeenCalledWith({ text: 'Hello from the story' });
    await waitFor(() => expect(canvas.getByText('Hello from the story')).toBeVisible());
  },
};

export const RightToLeft: Story = {
  parameters: { dir: 'rtl' },
  args: {
    typingNames: ['ليلى'],
    messages: [
      message({ id: 'rtl-1', senderName: 'ليلى حداد', text: 'صباح الخير! هل رأيتم المسودة الجديدة؟', time: BASE_TIME }),
      message({ id: 'rtl-2', local: true, senderName: 'نور خان', text: 'نعم، تركت بعض التعليقات.', time: BASE_TIME + 60_000 }),
    ],
  },
};

export const DarkTheme: Story = {
  parameters: { theme: 'dark' },
  args: { typingNames: [personName(1)], status: 'reconnecting' },
};
