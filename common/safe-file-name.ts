/**
 * Text made fit to stand in a file name on every system Corelog runs on: control and format
 * characters (a right-to-left override can make `report‮fdp.exe` read as a PDF), half surrogate
 * pairs and the characters Windows forbids become `-`; a length cut counts code points, so it
 * never leaves half of an emoji behind (the save bridge refuses such a name).
 */
export function safeFileNamePart(text: string, maxCodePoints = Infinity): string {
  const cleaned = text
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    .replace(/[\u0000-\u001f\u007f-\u009f]|\p{Cf}|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/gu, '-')
    .replace(/[\\/:*?"<>|]+/g, '-');
  return [...cleaned].slice(0, maxCodePoints).join('').replace(/^[\s.]+|[\s.]+$/g, '');
}
