import { expect } from '@open-wc/testing';
import { defineElement } from './register.js';

/** A fresh class per call: the registry refuses one constructor under two tags. */
const build = (version: string) =>
  class extends HTMLElement {
    static readonly version = version;
  };

describe('defineElement', () => {
  it('defines a tag that is not defined yet', () => {
    const First = build('0.1.0');
    defineElement('crew-register-a', First);
    expect(customElements.get('crew-register-a')).to.equal(First);
  });

  it('leaves the first definition in place when a second bundle registers the same tag', () => {
    const First = build('0.1.0');
    defineElement('crew-register-b', First);
    expect(() => defineElement('crew-register-b', build('0.1.0'))).not.to.throw();
    expect(customElements.get('crew-register-b')).to.equal(First);
  });

  it('warns only when the second copy is a different version', () => {
    const warnings: unknown[][] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      defineElement('crew-register-c', build('0.1.0'));
      defineElement('crew-register-c', build('0.1.0'));
      expect(warnings).to.have.length(0);
      defineElement('crew-register-c', build('9.9.9'));
    } finally {
      console.warn = original;
    }
    expect(String(warnings[0]?.[0])).to.contain(
      '<crew-register-c> is already defined by @crewkit/elements 0.1.0',
    );
    expect(String(warnings[0]?.[0])).to.contain('(9.9.9)');
  });
});
