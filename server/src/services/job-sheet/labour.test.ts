import { describe, expect, it } from 'vitest';
import { deriveLabour } from './labour.js';
import { sniffContentType } from './sniff.js';

const at = (minute: number) => new Date(Date.UTC(2027, 0, 4, 9, minute));

describe('labour time from the status history', () => {
  it('counts en route as travel, in progress as work and paused as neither, up to now for the last stretch', () => {
    const labour = deriveLabour(
      [
        { toStatus: 'scheduled', at: at(0) },
        { toStatus: 'en_route', at: at(5) },
        { toStatus: 'in_progress', at: at(30) },
        { toStatus: 'paused', at: at(40) },
        { toStatus: 'in_progress', at: at(50) },
      ],
      at(65).getTime(),
    );
    expect(labour).toEqual({
      travelMinutes: 25,
      workMinutes: 25,
      pausedMinutes: 10,
      running: { status: 'in_progress', since: at(50) },
    });
  });

  it('is not split by an edit or a reassignment recorded while the work runs', () => {
    const labour = deriveLabour(
      [
        { toStatus: 'in_progress', at: at(0) },
        { toStatus: 'in_progress', at: at(20) },
        { toStatus: 'completed', at: at(45) },
      ],
      at(59).getTime(),
    );
    expect(labour).toMatchObject({ workMinutes: 45, running: undefined });
  });
});

describe('the content type of an upload', () => {
  it('comes from the bytes, whatever the file is called', () => {
    expect(sniffContentType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffContentType(Buffer.from('%PDF-1.7\n'))).toBe('application/pdf');
    expect(sniffContentType(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffContentType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeUndefined();
    expect(sniffContentType(Buffer.from('MZ\x90\0'))).toBeUndefined();
  });
});
