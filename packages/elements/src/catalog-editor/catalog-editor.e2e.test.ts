import { createCrewkit } from '@crewkit/sdk';
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import { e2eServer } from '../../test-support/e2e.js';
import './define.js';
import type { CrewCatalogEditor } from './catalog-editor.js';

/**
 * Against a real reference server: an admin writes a service's job-sheet checklist and completion
 * rules with the keyboard, and the API has them; relabelling a line keeps the key that ticks on
 * job sheets refer to.
 */
describe('<crew-catalog-editor> against the reference server', () => {
  it('saves a checklist typed, reordered and pruned, and the completion rules, as the API then answers them', async function () {
    this.timeout(90_000);
    await setViewport({ width: 1280, height: 900 });
    const server = await e2eServer();
    const { data: tokens } = await createCrewkit({ baseUrl: server.url }).auth.login(server.login);
    const getAccessToken = () => tokens!.accessToken;
    const client = createCrewkit({ baseUrl: server.url, organizationId: server.orgId, getAccessToken });
    // A service of its own, so no other test's visits meet these completion rules.
    const name = `Boiler service ${Math.random().toString(36).slice(2, 7)}`;
    const { data: created, error } = await client.services.items.create({
      name,
      durationMinutes: 90,
      basePriceMinor: 18000,
    });
    expect(error, JSON.stringify(error)).to.equal(undefined);

    const el = await fixture<CrewCatalogEditor>(
      html`<crew-catalog-editor api-base=${server.url} org=${server.orgId} locale="en" .getAccessToken=${getAccessToken}></crew-catalog-editor>`,
    );
    const root = el.shadowRoot!;
    const button = (label: string) =>
      [...root.querySelectorAll<HTMLButtonElement>('button')].find(
        (b) => (b.getAttribute('aria-label') ?? b.textContent!.trim()) === label,
      );
    await waitUntil(() => button(`Edit ${name}`), 'the new service is not in the tree', { timeout: 15_000 });
    button(`Edit ${name}`)!.click();
    await waitUntil(() => button('Add a line'));

    // Three lines typed; the last one turns out to belong first; the middle one is not wanted.
    for (const line of ['Check flue', 'Scratch line', 'Isolate gas supply']) {
      button('Add a line')!.click();
      await waitUntil(() => root.activeElement?.getAttribute('aria-label')?.startsWith('Checklist line'));
      await sendKeys({ type: line });
    }
    button('Move “Isolate gas supply” up')!.click();
    await el.updateComplete;
    button('Move “Isolate gas supply” up')!.click();
    await el.updateComplete;
    expect(root.querySelector('.notice')!.textContent).to.contain('“Isolate gas supply” is now line 1.');
    button('Remove “Scratch line”')!.click();
    await el.updateComplete;

    const form = root.querySelector<HTMLFormElement>(`form[aria-label="Edit ${name}"]`)!;
    form.querySelector<HTMLInputElement>('[name="signatureRequired"]')!.click();
    form.querySelector<HTMLInputElement>('[name="minimumPhotos"]')!.value = '2';
    form.querySelector<HTMLInputElement>('[name="checklistComplete"]')!.click();
    await expect(el).to.be.accessible();
    form.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await waitUntil(
      () => root.querySelector('.notice')!.textContent!.includes(`${name} saved.`),
      'not saved',
      {
        timeout: 10_000,
      },
    );

    const { data: saved } = await client.services.items.get(created!.id);
    expect(saved!.checklist).to.deep.equal([
      { key: 'isolate-gas-supply', label: 'Isolate gas supply' },
      { key: 'check-flue', label: 'Check flue' },
    ]);
    expect(saved!.completionRules).to.deep.equal({
      signatureRequired: true,
      minimumPhotos: 2,
      checklistComplete: true,
    });

    // Relabelled, the line keeps its key; the rules can be loosened again.
    const first = root.querySelector<HTMLInputElement>('ol.checklist input')!;
    first.focus();
    first.select();
    await sendKeys({ type: 'Isolate gas and power' });
    form.querySelector<HTMLInputElement>('[name="signatureRequired"]')!.click();
    form.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await waitUntil(async () => {
      const { data } = await client.services.items.get(created!.id);
      return data!.checklist?.[0]?.label === 'Isolate gas and power';
    });
    const { data: relabelled } = await client.services.items.get(created!.id);
    expect(relabelled!.checklist![0]).to.deep.equal({
      key: 'isolate-gas-supply',
      label: 'Isolate gas and power',
    });
    expect(relabelled!.completionRules).to.deep.equal({
      signatureRequired: false,
      minimumPhotos: 2,
      checklistComplete: true,
    });
  });
});
