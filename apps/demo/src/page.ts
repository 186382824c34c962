import { MAX_VIEW_TURNS } from './context-view.js';
import { COMMANDS, GREETING } from './flow.js';

/** Escapes text for an HTML element's content. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);
}

const COMMAND_ITEMS = COMMANDS.map(
  ({ command, does }) => `<li><code>${escapeHtml(command)}</code> ${escapeHtml(does)}</li>`,
).join('');

/**
 * The chat page: a greeting that lists the commands, the conversation drawn from the stored turns
 * (so a reload keeps it), and a live panel with the stored context of this user. One column below
 * 720 px wide, the panel under the conversation.
 */
export const CHAT_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>context-storage demo</title>
<style>
  * { box-sizing: border-box; }
  body { font: 15px/1.4 system-ui, sans-serif; margin: 0; display: grid; grid-template-columns: minmax(0, 1fr) 340px; height: 100vh; }
  main { display: flex; flex-direction: column; min-width: 0; min-height: 0; border-right: 1px solid #ddd; }
  #log { flex: 1; overflow-y: auto; padding: 16px; }
  .msg { max-width: 70%; width: fit-content; margin: 6px 0; padding: 8px 12px; border-radius: 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
  .msg p { margin: 0; }
  .msg ul { margin: 4px 0 0; padding-left: 20px; white-space: normal; }
  .user { background: #dbeafe; margin-left: auto; }
  .bot { background: #f1f5f9; }
  .error { background: #fee2e2; }
  .note { color: #64748b; font-size: 13px; text-align: center; margin: 8px 0; }
  form { display: flex; gap: 8px; padding: 12px; border-top: 1px solid #ddd; }
  input { flex: 1; min-width: 0; padding: 8px; font: inherit; }
  aside { min-width: 0; padding: 16px; overflow-y: auto; background: #fafafa; }
  dt { color: #64748b; font-size: 12px; margin-top: 8px; }
  dd { margin: 0; font-family: ui-monospace, monospace; overflow-wrap: anywhere; white-space: pre-wrap; }
  @media (max-width: 720px) {
    body { grid-template-columns: minmax(0, 1fr); grid-template-rows: 70vh auto; height: auto; }
    main { border-right: 0; border-bottom: 1px solid #ddd; }
    .msg { max-width: 85%; }
  }
</style>
</head>
<body>
<main>
  <div id="log" aria-live="polite"><div id="greeting" class="msg bot"><p>${escapeHtml(GREETING)}</p><p>Commands:</p><ul>${COMMAND_ITEMS}</ul></div></div>
  <form id="send"><input id="text" aria-label="message" autocomplete="off" placeholder="Say hello" maxlength="2000" autofocus><button>Send</button></form>
</main>
<aside>
  <h2>Stored context</h2>
  <dl>
    <dt>user id</dt><dd id="user"></dd>
    <dt>backend</dt><dd id="backend">-</dd>
    <dt>version</dt><dd id="version">-</dd>
    <dt>current turn</dt><dd id="turn">-</dd>
    <dt>TTL left</dt><dd id="ttl">-</dd>
    <dt>misc</dt><dd id="misc">-</dd>
    <dt>latest turns</dt><dd id="turns">-</dd>
  </dl>
</aside>
<script>
  const userId = localStorage.getItem('userId') || 'web-' + Math.random().toString(36).slice(2, 10);
  localStorage.setItem('userId', userId);
  document.getElementById('user').textContent = userId;
  const log = document.getElementById('log');
  const greeting = document.getElementById('greeting');
  const say = (text, kind) => {
    const div = document.createElement('div');
    div.className = 'msg ' + kind;
    div.textContent = text;
    log.append(div);
    log.scrollTop = log.scrollHeight;
  };
  const note = (text) => say(text, 'note');
  // What another program stored may have any shape: show its text, or its JSON.
  const textOf = (value) =>
    value === undefined || value === null ? undefined : typeof value.text === 'string' ? value.text : JSON.stringify(value);
  const field = (id, text) => { document.getElementById(id).textContent = text; };
  const show = (context) => {
    field('backend', context.backend);
    field('version', context.version);
    field('turn', context.currentTurnId);
    field('ttl', context.ttlLeftMs === null ? 'none' : Math.round(context.ttlLeftMs / 1000) + ' s');
    field('misc', JSON.stringify(context.misc, null, 1));
    field('turns', context.latestTurns.slice(-5).map((t) => {
      const lines = ['#' + t.turnId + ' ' + (t.label ?? '')];
      if (textOf(t.request) !== undefined) lines.push('  you: ' + textOf(t.request));
      if (textOf(t.response) !== undefined) lines.push('  bot: ' + textOf(t.response));
      return lines.join('\\n');
    }).join('\\n') || '-');
  };
  const clearPanel = () => {
    for (const id of ['version', 'turn', 'ttl', 'misc', 'turns']) field(id, '-');
  };

  // The transcript is drawn from the stored turns: the dialog (told apart by its creation time)
  // and the highest turn drawn, so a reload, or a turn played in another tab, draws what is new.
  let dialog = null;
  let drawn = 0;
  const drawTurns = (context) => {
    if (context.createdAt !== dialog) {
      if (dialog !== null) note('a new dialog started elsewhere');
      dialog = context.createdAt;
      drawn = 0;
    }
    const turns = context.latestTurns.filter((t) => t.turnId > drawn);
    const skipped = turns.length === 0 ? 0 : turns[0].turnId - drawn - 1;
    if (skipped > 0) note(skipped + (skipped === 1 ? ' earlier turn is' : ' earlier turns are') + ' stored but not drawn');
    for (const t of turns) {
      if (textOf(t.request) !== undefined) say(textOf(t.request), 'user');
      if (textOf(t.response) !== undefined) say(textOf(t.response), 'bot');
    }
    drawn = Math.max(drawn, context.currentTurnId);
  };
  const forget = () => {
    if (dialog !== null) note('the stored dialog is gone: restarted or deleted elsewhere');
    dialog = null;
    drawn = 0;
    clearPanel();
  };

  // Re-read the stored context every 2 s, so a turn played through another tab or another demo
  // process shows up too. A read that overlaps a message of this page is dropped: it may predate
  // the turn the page already drew.
  let epoch = 0;
  const read = (turns) => {
    const started = epoch;
    return fetch('/api/contexts/' + encodeURIComponent(userId) + '?turns=' + turns)
      .then((r) => (r.ok || r.status === 404 ? r.json().then((body) => [r.status, body]) : null))
      .then((answer) => {
        if (answer === null || started !== epoch) return;
        if (answer[0] === 404) return forget();
        drawTurns(answer[1].context);
        show(answer[1].context);
      }, () => undefined);
  };
  read(${MAX_VIEW_TURNS});
  setInterval(() => read(5), 2000);
  document.getElementById('send').addEventListener('submit', async (event) => {
    event.preventDefault();
    const input = document.getElementById('text');
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    say(text, 'user');
    epoch++;
    let response, body;
    try {
      response = await fetch('/api/messages', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId, text }),
      });
      body = await response.json();
    } catch (error) {
      return say('the demo did not answer: ' + error.message, 'error');
    } finally {
      epoch++;
    }
    if (!response.ok) return say(body.error.code + ': ' + body.error.message, 'error');
    if (body.context === null) {
      // restart: the stored context is gone, the page starts over as a first visit does.
      log.replaceChildren(greeting);
      dialog = null;
      drawn = 0;
      clearPanel();
      return say(body.reply.text, 'bot');
    }
    say(body.reply.text, 'bot');
    if (body.context.createdAt !== dialog) dialog = body.context.createdAt;
    drawn = Math.max(drawn, body.context.currentTurnId);
    show(body.context);
  });
</script>
</body>
</html>
`;
