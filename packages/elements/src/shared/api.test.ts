import { bookingResources, resources } from '@crewkit/sdk';
import { expect } from '@open-wc/testing';
import { createElementClient, ElementError } from './api.js';

const apiBase = 'https://api.crewkit.test';
const org = '0b9a7d1e-3f51-4c0e-9d7a-6b2f1c8e4a10';

function failure(make: () => unknown): ElementError {
  try {
    make();
  } catch (error) {
    if (error instanceof ElementError) return error;
    throw error;
  }
  throw new Error('expected createElementClient to throw');
}

describe('createElementClient', () => {
  it('reports a public element without a publishable key as misconfigured, naming the attribute', () => {
    const error = failure(() =>
      createElementClient({ apiBase, org, publishableKey: undefined }, bookingResources),
    );
    expect(error.code).to.equal('misconfigured');
    expect(error.cause).to.equal('missing publishable-key');
  });

  it('names every missing attribute at once', () => {
    const error = failure(() =>
      createElementClient({ apiBase: '', org: undefined, publishableKey: '' }, bookingResources),
    );
    expect(error.cause).to.equal('missing api-base, org, publishable-key');
  });

  it('builds a client for a staff element that has no token yet, which the host may hand over later', () => {
    expect(
      createElementClient({ apiBase, org, getAccessToken: () => undefined }, resources),
    ).to.have.property('GET');
    expect(createElementClient({ apiBase, org, accessToken: undefined }, resources)).to.have.property('GET');
  });

  it('gives a booking page only the namespaces it books with', () => {
    const client = createElementClient({ apiBase, org, publishableKey: 'pk_test' }, bookingResources);
    expect(Object.keys(client)).to.include.members(['availability', 'holds', 'appointments']);
    expect(client).not.to.have.property('invoices');
  });
});
