import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The flags that let headless Chromium run as root on a machine without network. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: as root run \`apt-get install -y chromium\``);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** The visible text of the xterm.js terminal, line by line. */
export async function terminalText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const term = (
      window as unknown as {
        __term?: {
          buffer: { active: { length: number; getLine(i: number): { translateToString(trim: boolean): string } } };
        };
      }
    ).__term;
    if (!term) return '';
    const b = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < b.length; i++) lines.push(b.getLine(i)?.translateToString(true) ?? '');
    return lines.join('\n');
  });
}

export async function waitForTerminal(page: Page, re: RegExp, timeoutMs = 60_000): Promise<string> {
  const t0 = Date.now();
  for (;;) {
    const text = await terminalText(page);
    if (re.test(text)) return text;
    if (Date.now() - t0 > timeoutMs) throw new Error(`terminal never showed ${re}; it shows:\n${text.slice(-800)}`);
    await page.waitForTimeout(100);
  }
}

/** Types a command into the terminal as a user would, then Enter. */
export async function typeCommand(page: Page, cmd: string): Promise<void> {
  await page.locator('[data-testid=terminal] .xterm-helper-textarea').focus();
  await page.keyboard.type(cmd, { delay: 5 });
  await page.keyboard.press('Enter');
}
