import { getDocumentProxy } from 'unpdf';

/**
 * A PDF's text as an independent reader (Mozilla's pdf.js, through unpdf) extracts it, laid out
 * by position: the runs on one baseline become one line, left to right, so a label and its amount
 * in two columns read as `Total  $315.60`. Pages are separated by a form feed.
 */
export async function pdfText(bytes: Uint8Array): Promise<string> {
  // A copy: pdf.js takes over the buffer it is given, and the caller's (a parsed mail's) stays whole.
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  const pages: string[] = [];
  for (let number = 1; number <= pdf.numPages; number++) {
    const { items } = await (await pdf.getPage(number)).getTextContent();
    const lines = new Map<number, Array<{ x: number; text: string }>>();
    for (const item of items) {
      if (!('str' in item) || item.str.trim() === '') continue;
      const y = Math.round(item.transform[5]);
      const line = lines.get(y) ?? [];
      line.push({ x: item.transform[4], text: item.str });
      lines.set(y, line);
    }
    pages.push(
      [...lines.entries()]
        .sort(([a], [b]) => b - a)
        .map(([, runs]) =>
          runs
            .sort((a, b) => a.x - b.x)
            .map((run) => run.text)
            .join('  '),
        )
        .join('\n'),
    );
  }
  await pdf.destroy();
  return pages.join('\n\f');
}
