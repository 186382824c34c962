// The callbacks of page.evaluate run in the browser.
/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startDemoOn } from './helpers.js';

/** Debian's chromium (`apt-get install -y chromium`, which `.ci/run` does when it is missing). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`,
    );
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Playwright gives it a fresh temporary profile; these flags keep it off the network.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
});

/** The texts of the transcript's bubbles, greeting left out, as `user: ...` / `bot: ...`. */
function transcript(page: Page): Promise<string[]> {
  return page
    .locator('#log .msg:not(#greeting)')
    .evaluateAll((nodes) =>
      nodes.map(
        (node) => `${node.classList.contains('user') ? 'user' : 'bot'}: ${node.textContent}`,
      ),
    );
}

/** Sends `text` from the page and waits for the bot's answer matching `answer`. */
async function send(page: Page, text: string, answer: string): Promise<void> {
  await page.locator('#text').fill(text);
  await page.locator('#text').press('Enter');
  await page.locator('.msg.bot:not(#greeting)', { hasText: answer }).last().waitFor();
}

describe.each(BACKENDS.slice(0, 2))('the chat page in headless Chromium, on $name', (backend) => {
  it('shows the bot answer and the context panel turn number after each message', async () => {
    const demo = await startDemoOn(backend);
    const page = await browser.newPage();
    try {
      await page.goto(`${demo.base}/`);
      const userId = (await page.locator('#user').textContent()) ?? '';
      expect(userId).toMatch(/^web-/);
      await expect.poll(() => page.locator('#turn').textContent()).toBe('-');
      // The empty page greets and lists the commands.
      const greeting = page.locator('#log .msg.bot').first();
      expect(await greeting.isVisible()).toBe(true);
      expect(await greeting.textContent()).toMatch(/^Hello!.*Say anything to begin/);
      expect(await greeting.locator('li').allTextContents()).toEqual([
        'history shows your last messages',
        'restart forgets everything and starts a fresh dialog',
      ]);
      expect(await transcript(page)).toEqual([]);

      await page.locator('#text').fill('hello');
      await page.locator('#text').press('Enter');
      await page.locator('.msg.bot:not(#greeting)', { hasText: 'your name' }).waitFor();
      expect(await page.locator('#turn').textContent()).toBe('1');
      expect(await page.locator('#version').textContent()).toBe('1');

      await page.locator('#text').fill('Ada');
      await page.locator('button').click();
      await page.locator('.msg.bot', { hasText: 'Nice to meet you, Ada' }).waitFor();
      expect(await page.locator('#turn').textContent()).toBe('2');
      expect(await page.locator('#misc').textContent()).toContain('"name": "Ada"');
      expect(await page.locator('#backend').textContent()).toMatch(/^(memory|redis):\/\//);
      // The panel lists the responses beside the requests.
      expect(await page.locator('#turns').textContent()).toBe(
        '#1 ask-name\n  you: hello\n  bot: Hello! I remember our conversations. What is your name?\n' +
          '#2 ask-topic\n  you: Ada\n  bot: Nice to meet you, Ada! What do you like to talk about?',
      );

      // A turn played elsewhere (another tab or demo process) shows up in the live panel, and in
      // the transcript.
      expect((await demo.say(userId, 'chess')).status).toBe(200);
      await expect.poll(() => page.locator('#turn').textContent(), { timeout: 5_000 }).toBe('3');
      const dialog = [
        'user: hello',
        'bot: Hello! I remember our conversations. What is your name?',
        'user: Ada',
        'bot: Nice to meet you, Ada! What do you like to talk about?',
        'user: chess',
        'bot: Noted: Ada likes chess. Say anything, "history" or "restart".',
      ];
      await expect.poll(() => transcript(page), { timeout: 5_000 }).toEqual(dialog);

      // Reloading keeps the user, the stored context and the transcript, drawn from the stored
      // requests and responses.
      await page.reload();
      await expect.poll(() => page.locator('#user').textContent()).toBe(userId);
      await expect.poll(() => page.locator('#turn').textContent()).toBe('3');
      await expect.poll(() => transcript(page)).toEqual(dialog);
      expect(await page.locator('#greeting').isVisible()).toBe(true);
      // Nothing is drawn twice once the live panel has re-read the context.
      await page.waitForTimeout(2_500);
      expect(await transcript(page)).toEqual(dialog);

      // restart: a fresh dialog, the page as on a first visit; the next message is no name.
      await send(page, 'restart', 'Starting over');
      expect(await transcript(page)).toEqual([
        'bot: Starting over: I forgot your name, your topic and our turns. Say anything to begin.',
      ]);
      expect(await page.locator('#turn').textContent()).toBe('-');
      await send(page, 'hello again', 'What is your name?');
      expect(await page.locator('#turn').textContent()).toBe('1');
      expect(await page.locator('#version').textContent()).toBe('1');
      await page.reload();
      await expect
        .poll(() => transcript(page))
        .toEqual([
          'user: hello again',
          'bot: Hello! I remember our conversations. What is your name?',
        ]);
    } finally {
      await page.close();
    }
  });
});

/** What sticks out of a 390 px wide viewport: the page's width and every box past its edges. */
async function overflow(page: Page) {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const outside = Array.from(
      document.querySelectorAll('main, aside, #log .msg, dd, form, input, button'),
    )
      .map((element) => ({ element, box: element.getBoundingClientRect() }))
      .filter(({ box }) => box.left < 0 || box.right > width + 0.5)
      .map(
        ({ element, box }) =>
          `${element.tagName}#${element.id}.${element.className} ${box.left}..${box.right}`,
      );
    const aside = document.querySelector('aside')?.getBoundingClientRect();
    const main = document.querySelector('main')?.getBoundingClientRect();
    return {
      innerWidth: width,
      scrollWidth: document.documentElement.scrollWidth,
      outside,
      aside: aside && { left: aside.left, right: aside.right, top: aside.top, width: aside.width },
      mainBottom: main?.bottom,
    };
  });
}

describe('the chat page on a narrow screen', () => {
  it('at 390 px wide nothing overflows: the panel moves under the conversation', async () => {
    const demo = await startDemoOn(BACKENDS[0] as (typeof BACKENDS)[number]);
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    try {
      await page.goto(`${demo.base}/`);
      await page.locator('#greeting').waitFor();
      // Long words that cannot break at a space: a name, a topic, and what the panel shows of them.
      await send(page, 'hello', 'your name');
      await send(page, `Ada${'x'.repeat(120)}`, 'Nice to meet you');
      await send(page, `https://example.invalid/${'y'.repeat(150)}`, 'likes');
      const narrow = await overflow(page);
      expect(narrow.innerWidth).toBe(390);
      expect(narrow.scrollWidth, 'the page scrolls sideways').toBeLessThanOrEqual(390);
      expect(narrow.outside).toEqual([]);
      expect(narrow.aside?.left).toBeGreaterThanOrEqual(0);
      expect(narrow.aside?.right).toBeLessThanOrEqual(390);
      expect(narrow.aside?.width).toBeGreaterThan(300);
      expect(narrow.aside?.top, 'the panel is under the conversation').toBeGreaterThanOrEqual(
        narrow.mainBottom ?? Number.NaN,
      );
      await page.locator('aside').scrollIntoViewIfNeeded();
      expect(await page.locator('#turn').isVisible()).toBe(true);

      // On a wide screen the panel stays beside the conversation.
      await page.setViewportSize({ width: 1280, height: 800 });
      const wide = await overflow(page);
      expect(wide.scrollWidth).toBeLessThanOrEqual(1280);
      expect(wide.outside).toEqual([]);
      expect(wide.aside).toMatchObject({ top: 0, right: 1280, width: 340 });
    } finally {
      await page.close();
    }
  });
});
