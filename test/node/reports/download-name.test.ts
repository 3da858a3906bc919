import { describe, expect, it } from 'vitest';
import { downloadName } from '../../../renderer/src/event-log/csv-export';

describe('the name a CSV download is offered under', () => {
  it('keeps an ordinary name and its extension', () => {
    expect(downloadName('event-log-eq24301.csv')).toBe('event-log-eq24301.csv');
    expect(downloadName('Sequence 19 report eq24301.csv')).toBe('Sequence 19 report eq24301.csv');
  });

  it('never offers a project id’s override, zero-width, control or path characters', () => {
    expect(downloadName('event-log-evil\u202Efdp.exe.csv')).toBe('event-log-evil-fdp.exe.csv');
    expect(downloadName('event-log-a\u200Bb\u0000c/../d:e.csv')).toBe('event-log-a-b-c-..-d-e.csv');
    expect(downloadName('event-log-half\uD800.csv')).toBe('event-log-half-.csv');
  });

  it('cuts a long project id at a whole character and keeps the extension', () => {
    const name = downloadName(`event-log-${'😀'.repeat(300)}.csv`);
    expect(name.endsWith('.csv')).toBe(true);
    expect([...name.slice(0, -4)]).toHaveLength(200);
    expect(name).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(downloadName('\u202E.csv')).toBe('-.csv');
    expect(downloadName('...csv')).toBe('corelog.csv');
  });
});
