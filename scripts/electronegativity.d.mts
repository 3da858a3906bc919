export interface Finding {
  id: string;
  severity: string;
  confidence?: string;
  file: string;
  line?: number;
  manualReview?: boolean;
}
export interface Acceptance {
  id: string;
  file: string;
  reason: string;
}
export const SCANNED: string[];
export const SKIPPED_CHECKS: string[];
export const ACCEPTED_FILE: string;
export function parseAccepted(markdown: string): Acceptance[];
export function classifyFindings(
  findings: Finding[],
  accepted: Acceptance[],
): { unexplained: Finding[]; accepted: (Finding & { reason: string })[]; informational: Finding[]; unusedAcceptances: Acceptance[] };
export function scanSources(root?: string): Promise<{ electronVersion: string; checks: number; errors: { file: string; message: string }[]; findings: Finding[] }>;
