/**
 * What the emulator received, for tests to assert on ("exactly 200 POSTs", "no second upload").
 * Bodies are kept only as a SHA-256 digest and a size: the log must never hold passwords or tokens.
 */
export interface LoggedRequest {
  seq: number;
  at: string;
  method: string;
  path: string;
  query: Record<string, string>;
  bodySha256: string | null;
  bodyBytes: number;
  status: number;
  /** What happened besides a normal reply: an injected fault or a dropped response. */
  fault: string | null;
}

const SECRET_QUERY_KEYS = /token|password|secret|jwt/i;

export class RequestLog {
  private entries: LoggedRequest[] = [];
  private nextSeq = 1;

  constructor(private readonly capacity = 20_000) {}

  add(entry: Omit<LoggedRequest, 'seq' | 'query'> & { query: URLSearchParams }): LoggedRequest {
    const query: Record<string, string> = {};
    for (const [key, value] of entry.query) query[key] = SECRET_QUERY_KEYS.test(key) ? '[redacted]' : value;
    const logged: LoggedRequest = { ...entry, query, seq: this.nextSeq++ };
    this.entries.push(logged);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    return logged;
  }

  list(sinceSeq = 0): LoggedRequest[] {
    return this.entries.filter((e) => e.seq > sinceSeq);
  }

  clear(): void {
    this.entries = [];
  }

  get lastSeq(): number {
    return this.nextSeq - 1;
  }
}
