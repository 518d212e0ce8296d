// @ts-check
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { defaultTestNow, testNow } from './test-clock.mjs';

/**
 * The visual check: `crew-screenshot` photographs an element in the test's page (Playwright, the
 * same Chromium) and compares it with a committed PNG baseline, pixel by pixel.
 *
 * - A pixel differs when one of its channels differs by more than 48 of 255. Text is rasterised
 *   without a GPU here and is identical run to run, but a busy machine has been seen to shift
 *   antialiasing by a few levels; a real change (another colour, a moved border) is far more.
 * - The picture fails when more than 0.1 % of its pixels differ, or its size changed. A wrapped label
 *   or a moved column changes thousands of pixels; a one-pixel caret or antialiasing speck does not.
 *
 * A missing baseline is written (and the test says so, failing, so nobody commits one unseen);
 * `CREWKIT_UPDATE_SCREENSHOTS=1` rewrites them all. On a mismatch the new picture and a diff (changed
 * pixels in red) are written to `test-results/screenshots/` to look at.
 *
 * Baselines hold only for the default test clock (the calendar shows another month on another day):
 * `crew-screenshot-enabled` tells the test whether to run.
 *
 * @returns {import('@web/test-runner').TestRunnerPlugin}
 */
export function screenshotPlugin({ threshold = 48, maxDiffRatio = 0.001 } = {}) {
  const root = process.cwd();
  return {
    name: 'crew-screenshot',
    async executeCommand({ command, payload, session }) {
      if (command === 'crew-screenshot-enabled') return testNow() === defaultTestNow;
      if (command !== 'crew-screenshot') return undefined;
      const { name, selector, folder } = /** @type {{ name: string; selector: string; folder: string }} */ (
        payload
      );
      if (session.browser.type !== 'playwright')
        throw new Error('crew-screenshot needs the Playwright launcher');
      // @ts-expect-error getPage exists on the Playwright launcher
      const page = session.browser.getPage(session.id);
      const png = await page.locator(selector).screenshot({ animations: 'disabled', caret: 'hide' });
      const baseline = join(root, folder, '__screenshots__', `${name}.png`);
      if (!existsSync(baseline) || process.env.CREWKIT_UPDATE_SCREENSHOTS === '1') {
        await mkdir(dirname(baseline), { recursive: true });
        await writeFile(baseline, png);
        return {
          ok: process.env.CREWKIT_UPDATE_SCREENSHOTS === '1',
          message: `wrote a new baseline ${baseline}`,
        };
      }
      const [actual, expected] = await Promise.all([raw(png), raw(baseline)]);
      if (actual.width !== expected.width || actual.height !== expected.height) {
        await keep(root, name, png);
        return {
          ok: false,
          message: `${name}: ${actual.width}×${actual.height} px, the baseline is ${expected.width}×${expected.height} px`,
        };
      }
      const diff = Buffer.alloc(actual.data.length);
      let changed = 0;
      for (let i = 0; i < actual.data.length; i += 4) {
        const differs =
          Math.abs(actual.data[i] - expected.data[i]) > threshold ||
          Math.abs(actual.data[i + 1] - expected.data[i + 1]) > threshold ||
          Math.abs(actual.data[i + 2] - expected.data[i + 2]) > threshold;
        if (differs) changed++;
        diff[i] = differs ? 255 : expected.data[i] >> 2;
        diff[i + 1] = differs ? 0 : expected.data[i + 1] >> 2;
        diff[i + 2] = differs ? 0 : expected.data[i + 2] >> 2;
        diff[i + 3] = 255;
      }
      const ratio = changed / (actual.width * actual.height);
      if (ratio <= maxDiffRatio) return { ok: true, message: `${name}: ${changed} pixels differ` };
      await keep(root, name, png);
      await sharp(diff, { raw: { width: actual.width, height: actual.height, channels: 4 } })
        .png()
        .toFile(join(root, 'test-results', 'screenshots', `${name}.diff.png`));
      return {
        ok: false,
        message: `${name}: ${changed} pixels (${(ratio * 100).toFixed(2)} %) differ from the baseline; see test-results/screenshots/`,
      };
    },
  };
}

/** @param {Buffer | string} input */
async function raw(input) {
  const { data, info } = await sharp(input).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** @param {string} root @param {string} name @param {Buffer} png */
async function keep(root, name, png) {
  const folder = join(root, 'test-results', 'screenshots');
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, `${name}.png`), png);
}
