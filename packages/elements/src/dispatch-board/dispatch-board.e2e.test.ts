import { createCrewkit } from '@crewkit/sdk';
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import { e2eServer } from '../../test-support/e2e.js';
import './define.js';
import type { CrewDispatchBoard } from './dispatch-board.js';

/**
 * Against a real reference server: two dispatchers have the board open; one moves a visit with the
 * keyboard, the API says it moved, and the other's board shows it without a reload.
 */
describe('<crew-dispatch-board> against the reference server', () => {
  it('moves a visit to another technician and time, and a second board sees each move', async function () {
    this.timeout(90_000);
    await setViewport({ width: 1400, height: 900 });
    const server = await e2eServer();
    const { data: tokens } = await createCrewkit({ baseUrl: server.url }).auth.login(server.login);
    const getAccessToken = () => tokens!.accessToken;
    const client = createCrewkit({ baseUrl: server.url, organizationId: server.orgId, getAccessToken });

    const { data: items } = await client.services.items.list({ limit: 100 });
    const tap = items!.data.find((item) => item.name === 'Leaking tap repair')!;
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const { data: availability } = await client.availability.get({
      serviceItemId: tap.id,
      from: day(2),
      to: day(16),
      includeTechnicians: true,
    });
    // A start two technicians are free at, in the morning, so there is room to move it later.
    const days = availability!.days.filter((d) => d.slots.some((s) => (s.technicianIds ?? []).length >= 2));
    const chosenDay = days[0]!;
    const slot = chosenDay.slots.find((s) => (s.technicianIds ?? []).length >= 2)!;
    const { data: booked, error } = await client.appointments.create({
      serviceItemId: tap.id,
      start: slot.start,
      technicianId: slot.technicianIds![0]!,
      customer: { name: 'Board E2E', email: `board-${Math.random().toString(36).slice(2, 8)}@e2e.example` },
    });
    expect(error, JSON.stringify(error)).to.equal(undefined);

    const board = () =>
      fixture<CrewDispatchBoard>(
        html`<crew-dispatch-board api-base=${server.url} org=${server.orgId} locale="en" view="day" date=${chosenDay.date} timezone=${availability!.timeZone} .getAccessToken=${getAccessToken}></crew-dispatch-board>`,
      );
    const [mover, watcher] = await Promise.all([board(), board()]);
    const chip = (board: CrewDispatchBoard, id: string) =>
      board.shadowRoot!.querySelector<HTMLElement>(`[data-visit="${id}"]`);
    const laneNameOf = (board: CrewDispatchBoard, id: string) =>
      chip(board, id)?.closest('.lane')?.querySelector('.lane-name')?.textContent;
    const announced = () => mover.shadowRoot!.querySelector('[role="status"][aria-live]')!.textContent!;
    await waitUntil(
      () => chip(mover, booked!.id) && chip(watcher, booked!.id),
      'the visit is not on both boards',
      {
        timeout: 15_000,
      },
    );
    await expect(mover).to.be.accessible();

    // Carry it down the lanes to a technician who is qualified and free at the same time.
    chip(mover, booked!.id)!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(
      () => /: (qualified and free|not free or not qualified)$/.test(announced()),
      announced(),
      {
        timeout: 10_000,
      },
    );
    for (let step = 0; step < 5 && !/qualified and free$/.test(announced()); step++) {
      await sendKeys({ press: step < 2 ? 'ArrowDown' : 'ArrowUp' });
    }
    expect(announced()).to.match(/qualified and free$/);
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => announced().includes('is now with'), announced(), { timeout: 10_000 });
    const { data: assigned } = await client.appointments.get(booked!.id);
    expect(assigned!.technicianId).to.not.equal(booked!.technicianId);
    expect(assigned!.start).to.equal(booked!.start);
    const newTechnician = laneNameOf(mover, booked!.id);
    await waitUntil(
      () => laneNameOf(watcher, booked!.id) === newTechnician,
      'the other board did not follow',
      {
        timeout: 10_000,
      },
    );

    // Then 30 minutes or more later, wherever that technician is free.
    await waitUntil(() => chip(mover, booked!.id));
    chip(mover, booked!.id)!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => /qualified and free$|not qualified$/.test(announced()), announced(), {
      timeout: 10_000,
    });
    await sendKeys({ press: 'ArrowRight' });
    await sendKeys({ press: 'ArrowRight' });
    for (let step = 0; step < 16 && !/qualified and free$/.test(announced()); step++) {
      await sendKeys({ press: 'ArrowRight' });
    }
    expect(announced()).to.match(/qualified and free$/);
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => announced().includes('is now with'), announced(), { timeout: 10_000 });
    const { data: old } = await client.appointments.get(booked!.id);
    expect(old!.status).to.equal('cancelled');
    const { data: successor } = await client.appointments.get(old!.rescheduledToId!);
    expect(Date.parse(successor!.start) - Date.parse(booked!.start)).to.be.at.least(30 * 60_000);
    await waitUntil(
      () => chip(watcher, successor!.id) && !chip(watcher, booked!.id),
      'the other board missed the reschedule',
      {
        timeout: 10_000,
      },
    );
    await expect(watcher).to.be.accessible();
  });
});
