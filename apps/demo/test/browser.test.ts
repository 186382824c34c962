import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
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

describe.each(BACKENDS.slice(0, 2))('the chat page in headless Chromium, on $name', (backend) => {
  it('shows the bot answer and the context panel turn number after each message', async () => {
    const demo = await startDemoOn(backend);
    const page = await browser.newPage();
    try {
      await page.goto(`${demo.base}/`);
      const userId = (await page.locator('#user').textContent()) ?? '';
      expect(userId).toMatch(/^web-/);
      await expect.poll(() => page.locator('#turn').textContent()).toBe('-');

      await page.locator('#text').fill('hello');
      await page.locator('#text').press('Enter');
      await page.locator('.msg.bot', { hasText: 'your name' }).waitFor();
      expect(await page.locator('#turn').textContent()).toBe('1');
      expect(await page.locator('#version').textContent()).toBe('1');

      await page.locator('#text').fill('Ada');
      await page.locator('button').click();
      await page.locator('.msg.bot', { hasText: 'Nice to meet you, Ada' }).waitFor();
      expect(await page.locator('#turn').textContent()).toBe('2');
      expect(await page.locator('#misc').textContent()).toContain('"name": "Ada"');
      expect(await page.locator('#backend').textContent()).toMatch(/^(memory|redis):\/\//);

      // A turn played elsewhere (another tab or demo process) shows up in the live panel.
      expect((await demo.say(userId, 'chess')).status).toBe(200);
      await expect.poll(() => page.locator('#turn').textContent(), { timeout: 5_000 }).toBe('3');

      // Reloading keeps the user and shows the stored context.
      await page.reload();
      await expect.poll(() => page.locator('#user').textContent()).toBe(userId);
      await expect.poll(() => page.locator('#turn').textContent()).toBe('3');
    } finally {
      await page.close();
    }
  });
});
