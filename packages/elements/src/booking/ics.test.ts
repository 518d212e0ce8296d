import { expect } from '@open-wc/testing';
import { fold, icsFile } from './ics.js';

const octets = (line: string) => new TextEncoder().encode(line).length;

describe('the widget’s .ics file', () => {
  it('folds long lines at 75 octets without splitting a character, and unfolds to the same text', () => {
    const summary = `Heizungswartung — Sanitär Müller & Söhne in der Gartenstraße ${'ä'.repeat(60)}`;
    const file = icsFile({
      uid: '01a40051-6a80-701e-b5ef-bef65ba77139@crewkit',
      start: '2027-03-10T09:00:00Z',
      end: '2027-03-10T10:00:00Z',
      summary,
      description: 'Reference: RMJ-QWF',
    });
    const lines = file.split('\r\n');
    for (const line of lines) expect(octets(line)).to.be.at.most(75);
    const unfolded = file.replace(/\r\n /g, '');
    expect(unfolded).to.contain(`SUMMARY:${summary}`);
    expect(unfolded).to.contain('UID:01a40051-6a80-701e-b5ef-bef65ba77139@crewkit');
  });

  it('leaves a short line as it is', () => {
    expect(fold('SUMMARY:Tap fix')).to.equal('SUMMARY:Tap fix');
  });
});
