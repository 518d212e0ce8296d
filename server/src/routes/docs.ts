/** The interactive API reference, rendered in the browser from /openapi.yaml by Scalar (served locally, no CDN). */
export function docsPage(): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Crewkit API reference</title>
  </head>
  <body>
    <script id="api-reference" data-url="/openapi.yaml"></script>
    <script src="/docs/scalar.js"></script>
  </body>
</html>`;
}
