import type { Context } from '@context-storage/core';

/** Where the dialog stands: the label stored with each turn. */
export type FlowNode = 'greeting' | 'ask-name' | 'ask-topic' | 'summary' | 'history' | 'restart';

/** What the bot remembers about the user, kept in the context's `misc`. */
export interface Memory {
  name?: string;
  topic?: string;
  messages?: number;
}

/** A user message as stored in `requests`. */
export interface UserMessage {
  text: string;
  at: number;
}

/** A bot answer as stored in `responses`. */
export interface BotReply {
  text: string;
  node: FlowNode;
}

/** The words the bot treats as commands, with what each does: the page's greeting lists them. */
export const COMMANDS = [
  { command: 'history', does: 'shows your last messages' },
  { command: 'restart', does: 'forgets everything and starts a fresh dialog' },
] as const;

/**
 * What the page says before the first message: it is not a stored turn, so an empty dialog and a
 * fresh one after `restart` start the same way.
 */
export const GREETING =
  'Hello! I am a small bot whose memory is a stored context. Say anything to begin: I will ask ' +
  'your name and a favourite topic, and remember them across reloads and restarts of the demo.';

/** The answer to `restart`, given once the stored context is deleted. */
export const RESTART_REPLY: BotReply = {
  node: 'restart',
  text: 'Starting over: I forgot your name, your topic and our turns. Say anything to begin.',
};

/**
 * Whether `text` is the `restart` command. It is not a turn: the server deletes the stored
 * context instead, so the next message opens a new dialog at turn 1.
 */
export function isRestart(text: string): boolean {
  return text.trim().toLowerCase() === 'restart';
}

/**
 * Plays one turn of the scripted dialog: greeting, the user's name, a favourite topic, then a
 * summary; `history` shows the last turns. Adds the turn (request, label, response) to `context`
 * and remembers what the user said in `misc`. `restart` is not played here ({@link isRestart}).
 */
export function playTurn(context: Context, text: string, now = Date.now()): BotReply {
  const memory = context.misc as Memory;
  const previous = context.labels.get(context.currentTurnId) as FlowNode | undefined;
  const turnId = context.addTurn({ request: { text, at: now } satisfies UserMessage });
  memory.messages = (memory.messages ?? 0) + 1;
  const command = text.trim().toLowerCase();

  let reply: BotReply;
  if (command === 'history') {
    const lines = context
      .latestTurns(6)
      .filter((turn) => turn.turnId !== turnId && turn.request !== undefined)
      .map((turn) => `#${turn.turnId} you: ${(turn.request as UserMessage).text}`);
    reply = {
      node: 'history',
      text: lines.length === 0 ? 'Nothing yet.' : `Your last messages:\n${lines.join('\n')}`,
    };
  } else if (previous === undefined || (memory.name === undefined && previous !== 'ask-name')) {
    reply = { node: 'ask-name', text: 'Hello! I remember our conversations. What is your name?' };
  } else if (memory.name === undefined) {
    memory.name = text.trim().slice(0, 40) || 'friend';
    reply = {
      node: 'ask-topic',
      text: `Nice to meet you, ${memory.name}! What do you like to talk about?`,
    };
  } else if (memory.topic === undefined) {
    memory.topic = text.trim().slice(0, 80);
    reply = {
      node: 'summary',
      text: `Noted: ${memory.name} likes ${memory.topic}. Say anything, "history" or "restart".`,
    };
  } else {
    reply = {
      node: 'summary',
      text: `${memory.name}, that is message #${memory.messages} of ours. Still into ${memory.topic}?`,
    };
  }
  context.labels.set(turnId, reply.node);
  context.responses.set(turnId, reply);
  return reply;
}
