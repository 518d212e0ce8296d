import { createCrewkit } from '@crewkit/sdk';
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { e2eServer } from '../../test-support/e2e.js';
import './define.js';
import type { CrewAppointmentList } from './appointment-list.js';

/**
 * Against a real reference server with the demo organization: the owner signs in, an appointment is booked
 * through the API, and the list finds it by search and moves it along the workflow.
 */
describe('<crew-appointment-list> against the reference server', () => {
  it('finds a booked appointment by customer name and changes its status on the server', async function () {
    // The first e2e test of a run waits for the server to start, migrate and seed.
    this.timeout(60_000);
    const server = await e2eServer();
    const anonymous = createCrewkit({ baseUrl: server.url });
    const { data: tokens } = await anonymous.auth.login(server.login);
    expect(tokens, 'the demo owner can sign in').to.exist;
    let requests = 0;
    const getAccessToken = () => {
      requests += 1;
      return tokens!.accessToken;
    };
    const client = createCrewkit({ baseUrl: server.url, organizationId: server.orgId, getAccessToken });

    const { data: items } = await client.services.items.list({ limit: 100 });
    const tap = items!.data.find((item) => item.name === 'Leaking tap repair')!;
    const today = new Date();
    const day = (offset: number) =>
      new Date(today.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
    const { data: availability } = await client.availability.get({
      serviceItemId: tap.id,
      from: day(1),
      to: day(14),
    });
    const slot = availability!.days.flatMap((d) => d.slots)[0]!;
    const name = `Wilhelmina E2E ${Math.random().toString(36).slice(2, 8)}`;
    const { data: booked, error } = await client.appointments.create({
      serviceItemId: tap.id,
      start: slot.start,
      customer: { name, email: `${name.split(' ').at(-1)}@e2e.example` },
    });
    expect(error, JSON.stringify(error)).to.equal(undefined);

    const el = await fixture<CrewAppointmentList>(
      html`<crew-appointment-list api-base=${server.url} org=${server.orgId} locale="en" .getAccessToken=${getAccessToken}></crew-appointment-list>`,
    );
    const search = el.shadowRoot!.querySelector<HTMLInputElement>('input[name="q"]')!;
    search.value = name;
    search.dispatchEvent(new Event('input'));
    await waitUntil(
      () =>
        el.shadowRoot!.querySelectorAll('tbody tr').length === 1 &&
        el.shadowRoot!.textContent!.includes(name),
      'the booked appointment is not listed',
      { timeout: 10_000 },
    );
    const row = el.shadowRoot!.querySelector('tbody tr')!;
    expect(row.textContent).to.contain(booked!.reference);
    // Service and technician names come from lookups loaded alongside the list: on a server that
    // has just started they can arrive after the rows.
    await waitUntil(() => row.textContent!.includes('Leaking tap repair'), 'no service name', {
      timeout: 10_000,
    });
    await waitUntil(() => /Sam Okafor|Priya Raman|Luis Moreno/.test(row.textContent!), 'no technician name');
    await expect(el).to.be.accessible();

    const status = row.querySelector<HTMLSelectElement>('td.actions select')!;
    status.value = 'en_route';
    status.dispatchEvent(new Event('change'));
    await waitUntil(() => el.shadowRoot!.querySelector<HTMLDialogElement>('dialog')!.open);
    el.shadowRoot!.querySelector<HTMLButtonElement>('dialog button.primary')!.click();
    await waitUntil(
      () => el.shadowRoot!.textContent!.includes(`${booked!.reference} updated.`),
      'not saved',
      {
        timeout: 10_000,
      },
    );
    const { data: after } = await client.appointments.get(booked!.id);
    expect(after!.status).to.equal('en_route');
    expect(requests).to.be.greaterThan(3);
  });
});
