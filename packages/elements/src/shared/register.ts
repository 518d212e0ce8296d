import { VERSION } from './version.js';

/** The version a crewkit element class was built with, kept on the class so another bundle can read it. */
export interface VersionedElement extends CustomElementConstructor {
  readonly version?: string;
}

/**
 * Defines `tag` unless it is already defined. Host pages load two bundles more often than one would
 * think (a CMS plugin and a theme, say), and a second `customElements.define` would throw and take
 * the rest of that script down with it. The first definition wins; a different version is reported,
 * because its markup or events may differ from what the page expects.
 */
export function defineElement(
  tag: string,
  ctor: VersionedElement,
  registry = globalThis.customElements,
): void {
  if (!registry) return;
  const existing = registry.get(tag) as VersionedElement | undefined;
  if (existing) {
    const theirs = existing.version ?? 'unknown';
    const ours = ctor.version ?? VERSION;
    if (existing !== ctor && theirs !== ours) {
      console.warn(
        `<${tag}> is already defined by @crewkit/elements ${theirs}; this copy (${ours}) is not used. ` +
          'Load one @crewkit/elements bundle per page.',
      );
    }
    return;
  }
  registry.define(tag, ctor);
}
