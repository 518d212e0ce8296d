import { describe, expect, it } from 'vitest';
import { jsonDepth } from './pipeline.js';

describe('the nesting depth of a JSON body', () => {
  it('counts arrays and objects inside one another', () => {
    expect(jsonDepth('42')).toBe(0);
    expect(jsonDepth('{"a":[1,{"b":[]}],"c":{}}')).toBe(4);
    expect(jsonDepth(`${'['.repeat(10_000)}${']'.repeat(10_000)}`)).toBe(10_000);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonDepth('{"note":"[[[{{{ \\" [[[ \\\\"}')).toBe(1);
    expect(jsonDepth('["\\\\",["x"]]')).toBe(2);
  });
});
