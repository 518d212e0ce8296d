// custom-elements.json from the JSDoc of each element class (@attr, @prop, @event, @csspart,
// @cssproperty). The plugin trims what the analyzer infers from the code but is not public API:
// internal reactive state and events it mistakes from `new X(…)` calls.
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts'],
  outdir: 'dist',
  litelement: true,
  plugins: [
    {
      name: 'crewkit-public-api',
      packageLinkPhase({ customElementsManifest }) {
        for (const module of customElementsManifest.modules) {
          for (const declaration of module.declarations ?? []) {
            if (!declaration.customElement) continue;
            const hidden = new Set(
              (declaration.members ?? [])
                .filter((member) => member.privacy === 'private' || member.privacy === 'protected')
                .map((member) => member.name),
            );
            declaration.members = (declaration.members ?? []).filter((member) => !hidden.has(member.name));
            declaration.attributes = (declaration.attributes ?? []).filter(
              (attribute) => !hidden.has(attribute.fieldName ?? attribute.name),
            );
            declaration.events = (declaration.events ?? []).filter((event) =>
              event.name?.startsWith('crew-'),
            );
          }
        }
      },
    },
  ],
};
