/** The chat page: the conversation, and a live panel with the stored context of this user. */
export const CHAT_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>context-storage demo</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 0; display: grid; grid-template-columns: 1fr 340px; height: 100vh; }
  main { display: flex; flex-direction: column; border-right: 1px solid #ddd; }
  #log { flex: 1; overflow-y: auto; padding: 16px; }
  .msg { max-width: 70%; margin: 6px 0; padding: 8px 12px; border-radius: 12px; white-space: pre-wrap; }
  .user { background: #dbeafe; margin-left: auto; }
  .bot { background: #f1f5f9; }
  .error { background: #fee2e2; }
  form { display: flex; gap: 8px; padding: 12px; border-top: 1px solid #ddd; }
  input { flex: 1; padding: 8px; font: inherit; }
  aside { padding: 16px; overflow-y: auto; background: #fafafa; }
  dt { color: #64748b; font-size: 12px; margin-top: 8px; }
  dd { margin: 0; font-family: ui-monospace, monospace; word-break: break-word; white-space: pre-line; }
</style>
</head>
<body>
<main>
  <div id="log" aria-live="polite"></div>
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
    <dt>latest turns loaded</dt><dd id="turns">-</dd>
  </dl>
</aside>
<script>
  const userId = localStorage.getItem('userId') || 'web-' + Math.random().toString(36).slice(2, 10);
  localStorage.setItem('userId', userId);
  document.getElementById('user').textContent = userId;
  const log = document.getElementById('log');
  const say = (text, kind) => {
    const div = document.createElement('div');
    div.className = 'msg ' + kind;
    div.textContent = text;
    log.append(div);
    log.scrollTop = log.scrollHeight;
  };
  const show = (context) => {
    if (!context) return;
    document.getElementById('backend').textContent = context.backend;
    document.getElementById('version').textContent = context.version;
    document.getElementById('turn').textContent = context.currentTurnId;
    document.getElementById('ttl').textContent = context.ttlLeftMs === null ? 'none' : Math.round(context.ttlLeftMs / 1000) + ' s';
    document.getElementById('misc').textContent = JSON.stringify(context.misc, null, 1);
    document.getElementById('turns').textContent = context.latestTurns
      .map((t) => '#' + t.turnId + ' ' + (t.label ?? '') + ': ' + (t.request ? t.request.text : ''))
      .join('\\n');
  };
  // The panel is live: it re-reads the stored context every 2 s, so a turn played through another
  // tab or another demo process shows up too.
  const refresh = () =>
    fetch('/api/contexts/' + encodeURIComponent(userId))
      .then((r) => (r.ok ? r.json() : null))
      .then((body) => body && show(body.context), () => undefined);
  refresh();
  setInterval(refresh, 2000);
  document.getElementById('send').addEventListener('submit', async (event) => {
    event.preventDefault();
    const input = document.getElementById('text');
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    say(text, 'user');
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
    }
    if (!response.ok) return say(body.error.code + ': ' + body.error.message, 'error');
    say(body.reply.text, 'bot');
    show(body.context);
  });
</script>
</body>
</html>
`;
