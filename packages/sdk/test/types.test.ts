import {
  type ApiKeyWithSecret,
  type AppointmentListItem,
  type AppointmentStatus,
  type Availability,
  type Crewkit,
  createCrewkit,
  type ErrorCode,
  type Organization,
  type Problem,
  type ServiceCategory,
  type Technician,
  type TokenPair,
  type User,
} from '@crewkit/sdk';
import { describe, expectTypeOf, test } from 'vitest';

// These tests run at compile time (npx tsc -p tsconfig.json); the functions below are never called.
declare const crewkit: Crewkit;

describe('types', () => {
  test('a call resolves to data or a problem, told apart by error', () => {
    async function _check() {
      const { data, error } = await crewkit.users.get('user-id');
      if (error) {
        expectTypeOf(error).toEqualTypeOf<Problem>();
        expectTypeOf(error.code).toEqualTypeOf<ErrorCode>();
        expectTypeOf(data).toEqualTypeOf<undefined>();
      } else {
        expectTypeOf(data).toEqualTypeOf<User>();
      }
    }
    expectTypeOf(_check).toBeFunction();
  });

  test('response bodies are typed from the spec for every namespace', () => {
    async function _check() {
      expectTypeOf((await crewkit.organizations.get()).data).toEqualTypeOf<Organization | undefined>();
      expectTypeOf((await crewkit.auth.login({ email: 'a@b.c', password: 'p' })).data).toEqualTypeOf<
        TokenPair | undefined
      >();
      const created = await crewkit.apiKeys.create({ kind: 'publishable', name: 'Widget' });
      // `branded` compares deeply: openapi-fetch rebuilds the ApiKey & { secret } intersection.
      expectTypeOf(created.data).branded.toEqualTypeOf<ApiKeyWithSecret | undefined>();
    }
    expectTypeOf(_check).toBeFunction();
  });

  test('a list call is a first page when awaited and an iterable of items', () => {
    async function _check() {
      const first = await crewkit.users.list({ limit: 50, role: 'technician' });
      expectTypeOf(first.data?.nextCursor).toEqualTypeOf<string | null | undefined>();
      for await (const user of crewkit.users.list()) expectTypeOf(user).toEqualTypeOf<User>();
      expectTypeOf(await crewkit.users.list().toArray({ limit: 10 })).toEqualTypeOf<User[]>();
    }
    expectTypeOf(_check).toBeFunction();
  });

  test('the scheduling namespaces are typed from the spec', () => {
    async function _check() {
      const { data: slots } = await crewkit.availability.get({ serviceItemId: 'i', from: 'd', to: 'd' });
      expectTypeOf(slots).toEqualTypeOf<Availability | undefined>();
      for await (const a of crewkit.appointments.list({ status: ['scheduled'] })) {
        expectTypeOf(a).toExtend<AppointmentListItem>();
        expectTypeOf(a.allowedTransitions).toEqualTypeOf<AppointmentStatus[]>();
        expectTypeOf(a.status).toEqualTypeOf<AppointmentStatus>();
      }
      expectTypeOf(await crewkit.technicians.list().toArray({ limit: 5 })).toEqualTypeOf<Technician[]>();
      const categories = await crewkit.services.categories.list();
      expectTypeOf(categories.data?.data).toEqualTypeOf<ServiceCategory[] | undefined>();
      const { error } = await crewkit.appointments.create({
        serviceItemId: 'i',
        start: 's',
        customerId: 'c',
      });
      expectTypeOf(error?.alternatives).toEqualTypeOf<string[] | undefined>();
      expectTypeOf(error?.slotReason).toEqualTypeOf<string | undefined>();
    }
    expectTypeOf(_check).toBeFunction();
  });

  test('misuse is a compile error', () => {
    async function _check() {
      // @ts-expect-error: `emali` is not a field of UserCreate.
      await crewkit.users.create({ emali: 'a@b.c', name: 'Ann', role: 'admin', password: 'long enough pw' });
      // @ts-expect-error: password is required.
      await crewkit.users.create({ email: 'a@b.c', name: 'Ann', role: 'admin' });
      // @ts-expect-error: there is no such role.
      await crewkit.users.update('user-id', { role: 'superuser' });
      // @ts-expect-error: there is no such query parameter.
      crewkit.users.list({ sort: 'name' });
      // @ts-expect-error: toArray needs a limit.
      await crewkit.users.list().toArray();
      // @ts-expect-error: `done` is not an AppointmentStatus.
      crewkit.appointments.list({ status: ['done'] });
      // @ts-expect-error: status is an array, even for one value.
      crewkit.appointments.list({ status: 'scheduled' });
      // @ts-expect-error: serviceItemId is required.
      await crewkit.availability.get({ from: '2026-04-07', to: '2026-04-13' });
      // @ts-expect-error: availability needs its query.
      await crewkit.availability.get();
      // @ts-expect-error: `finished` is not an AppointmentStatus.
      await crewkit.appointments.changeStatus('appointment-id', { status: 'finished' });
      // @ts-expect-error: a hold needs its start.
      await crewkit.holds.create({ serviceItemId: 'item-id' });
      // @ts-expect-error: categories come in one response, so there is no page to iterate.
      await crewkit.services.categories.list().toArray({ limit: 10 });
      // @ts-expect-error: a customer's contacts need the customer.
      await crewkit.customers.contacts.list();
      // @ts-expect-error: the raw methods know the paths.
      await crewkit.GET('/api/v1/no-such-path', {});

      const { error } = await crewkit.users.delete('user-id');
      // @ts-expect-error: `no_such_code` is not an ErrorCode, so this comparison can never be true.
      if (error?.code === 'no_such_code') return;
    }
    expectTypeOf(_check).toBeFunction();
  });

  test('the options take the global fetch and accept one credential of any kind', () => {
    expectTypeOf(createCrewkit).toBeCallableWith({
      baseUrl: 'https://x',
      apiKey: 'sk_1',
      fetch: globalThis.fetch,
    });
    expectTypeOf(createCrewkit).toBeCallableWith({
      baseUrl: 'https://x',
      getAccessToken: async () => undefined,
    });
    expectTypeOf(createCrewkit).toBeCallableWith({ baseUrl: 'https://x', publishableKey: 'pk_1' });
  });
});
