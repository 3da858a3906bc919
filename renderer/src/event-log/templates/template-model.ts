/**
 * Event templates: the events a watch logs again and again ("Gun {gun} autofire", "Marine mammal
 * sighted"), each with its labels, an optional key (F1–F12, Ctrl+1…9) and whether it takes the
 * sequence (and shot point) being acquired. Pure rules here — placeholders, keys, the file a crew
 * hands to the next — so they are tested in Node; storage is templates-db.ts.
 */
import { z } from 'zod';
import { LABEL_NAME_RULES, REMARKS_RULES, type SequenceSummary } from '../../../../common/bridge/event-log-contract';
import { freeTextSchema, type FreeTextRules } from '../../../../common/free-text';

/** The keys a template can be bound to, in the order the key picker lists them. */
export const TEMPLATE_KEYS = [
  'F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8', 'F9', 'F10', 'F11', 'F12',
  'Ctrl+1', 'Ctrl+2', 'Ctrl+3', 'Ctrl+4', 'Ctrl+5', 'Ctrl+6', 'Ctrl+7', 'Ctrl+8', 'Ctrl+9',
] as const;
export type TemplateKey = (typeof TEMPLATE_KEYS)[number];

/**
 * Where a template's event sits: nowhere in particular (its time only), in the sequence being
 * acquired, or at that sequence's shot point too.
 */
export const TEMPLATE_POSITIONS = ['none', 'sequence', 'sequence-and-point'] as const;
export type TemplatePosition = (typeof TEMPLATE_POSITIONS)[number];

export const TEMPLATE_NAME_RULES: FreeTextRules = { maxLength: 60, multiline: false, label: 'The template name' };
/** A template's remarks are one line (the entry line's), placeholders included. */
export const TEMPLATE_REMARKS_RULES: FreeTextRules = { ...REMARKS_RULES, maxLength: 2_000, multiline: false };
export const MAX_TEMPLATES = 200;

/** What a template says; `id`, project and order belong to the stored row (templates-db.ts). */
export const templateContentSchema = z.object({
  name: freeTextSchema(TEMPLATE_NAME_RULES),
  remarks: freeTextSchema(TEMPLATE_REMARKS_RULES),
  labels: z.array(freeTextSchema(LABEL_NAME_RULES).refine((label) => label.trim() !== '', 'A label cannot be empty.')).max(100),
  position: z.enum(TEMPLATE_POSITIONS),
  key: z.enum(TEMPLATE_KEYS).nullable(),
});
export type TemplateContent = z.infer<typeof templateContentSchema>;

// ---- placeholders ---------------------------------------------------------------------------

/**
 * `{gun}`, `{gun no}`, `{species}`, `{område}`: a name of letters (any script: crews write in their
 * own language), digits, blanks, `_ . -` (other braces are text).
 */
const PLACEHOLDER = /\{([\p{L}\p{N}_][\p{L}\p{M}\p{N}_ .-]{0,39})\}/gu;

/** The placeholders of `remarks`, each once, in the order they first appear. */
export function placeholdersOf(remarks: string): string[] {
  return [...new Set([...remarks.matchAll(PLACEHOLDER)].map((m) => m[1]!.trim()))];
}

/**
 * `remarks` with every placeholder replaced by its value (a placeholder used twice gets the same
 * one). A placeholder is any name the user wrote, `{constructor}` and `{toString}` included, which
 * a plain object would answer from its prototype: values are looked up as own entries only.
 */
export function fillPlaceholders(remarks: string, values: PlaceholderValues): string {
  return remarks.replace(PLACEHOLDER, (whole, name: string) => placeholderValue(values, name.trim()) ?? whole);
}

/** Placeholder values by name: a Map, or an object whose own properties alone count. */
export type PlaceholderValues = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

function placeholderValue(values: PlaceholderValues, name: string): string | undefined {
  if (values instanceof Map) return values.get(name);
  const record = values as Readonly<Record<string, string>>;
  return Object.hasOwn(record, name) ? record[name] : undefined;
}

/** Why a template cannot be saved as it is, or null. */
export function templateProblem(content: TemplateContent): string | null {
  if (!content.remarks.trim() && content.labels.length === 0) return 'A template needs remarks or a label.';
  const parsed = templateContentSchema.safeParse(content);
  return parsed.success ? null : (parsed.error.issues[0]?.message ?? 'This template is not valid.');
}

/** What the template's button says: its name, else its remarks, else its labels. */
export function templateTitle(content: Pick<TemplateContent, 'name' | 'remarks' | 'labels'>): string {
  return content.name.trim() || content.remarks.trim() || content.labels.join(', ');
}

// ---- where the event sits -------------------------------------------------------------------

/** The sequence being acquired (Dougal's `online` status; the newest if several), or null. */
export function sequenceBeingAcquired(sequences: readonly SequenceSummary[]): SequenceSummary | null {
  return sequences.filter((s) => s.status === 'online').sort((a, b) => b.sequence - a.sequence)[0] ?? null;
}

/**
 * The sequence and shot point of a template's event: the entry line's Sequence / Shot point boxes
 * when filled, else the sequence being acquired and the last shot Corelog knows of it (the
 * reference is a few minutes old at most, which is why a template's event carries its time too).
 */
export function templatePlace(
  position: TemplatePosition,
  boxes: { sequence: number | null; point: number | null },
  acquiring: Pick<SequenceSummary, 'sequence' | 'lsp'> | null,
): { sequence: number | null; point: number | null } {
  if (position === 'none') return { sequence: null, point: null };
  const sequence = boxes.sequence ?? acquiring?.sequence ?? null;
  if (position === 'sequence' || sequence === null) return { sequence, point: null };
  return { sequence, point: boxes.point ?? (acquiring?.sequence === sequence ? acquiring.lsp : null) };
}

// ---- keys -----------------------------------------------------------------------------------

/** Marks parts of the page where template keys are not heard (the manager, the prompts). */
export const KEYS_OFF_ATTRIBUTE = 'data-template-keys-off';

/** The subset of a KeyboardEvent the key rule reads (so it is testable without a DOM). */
export interface KeyPress {
  key: string;
  code: string;
  ctrlKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  metaKey: boolean;
}

/**
 * The template key a key press is, or null. F-keys count without any modifier; Ctrl+digit by
 * the key's place (`Digit1`, `Numpad1`), not its character, so it works on AZERTY keyboards too.
 */
export function templateKeyOf(press: KeyPress): TemplateKey | null {
  if (press.altKey || press.metaKey || press.shiftKey) return null;
  if (!press.ctrlKey) {
    const match = /^F([1-9]|1[0-2])$/.exec(press.key);
    return match ? (`F${match[1]}` as TemplateKey) : null;
  }
  const digit = /^(?:Digit|Numpad)([1-9])$/.exec(press.code)?.[1];
  return digit ? (`Ctrl+${digit}` as TemplateKey) : null;
}

// ---- the file a crew shares -----------------------------------------------------------------

export const TEMPLATES_FILE_FORMAT = 'corelog-event-templates';
export const TEMPLATES_FILE_VERSION = 1;
/** More than any real set of templates; a bigger file is not one of ours. */
export const MAX_TEMPLATES_FILE_BYTES = 1_000_000;

const templatesFileSchema = z.object({
  format: z.literal(TEMPLATES_FILE_FORMAT),
  version: z.literal(TEMPLATES_FILE_VERSION),
  project: z.string().max(200).nullish(),
  exportedAt: z.string().max(40).nullish(),
  // Items are checked one by one below, so the message can name the template at fault.
  templates: z.array(z.unknown()).max(MAX_TEMPLATES),
});

export interface TemplatesFile {
  format: typeof TEMPLATES_FILE_FORMAT;
  version: typeof TEMPLATES_FILE_VERSION;
  project: string;
  exportedAt: string;
  templates: TemplateContent[];
}

/** The file's text for `templates` (in their order) of `project`. */
export function templatesFileText(project: string, templates: readonly TemplateContent[], now = new Date()): string {
  const file: TemplatesFile = {
    format: TEMPLATES_FILE_FORMAT,
    version: TEMPLATES_FILE_VERSION,
    project,
    exportedAt: now.toISOString(),
    templates: templates.map(({ name, remarks, labels, position, key }) => ({ name, remarks, labels, position, key })),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

const TOO_BIG = 'This file is too big to be a Corelog templates file.';

/** Why a file of `bytes` cannot be one of ours (checked on the file's size, before it is read), or null. */
export function templatesFileSizeProblem(bytes: number): string | null {
  return bytes > MAX_TEMPLATES_FILE_BYTES ? TOO_BIG : null;
}

/** The limit is in bytes (UTF-8, as on disk), not characters: `é` is two, `🛢` four. */
function templatesFileTooBig(text: string): boolean {
  // Every character is at least one byte: a long text is refused without encoding it.
  if (text.length > MAX_TEMPLATES_FILE_BYTES) return true;
  return new TextEncoder().encode(text).length > MAX_TEMPLATES_FILE_BYTES;
}

/**
 * The text of a templates file from its bytes: UTF-8 (ours, with or without a BOM), or UTF-16 with
 * its BOM (what Windows Notepad saves as "Unicode"). Bytes that are not UTF-8 are refused, not
 * read with U+FFFD in place of their letters: a file saved as Latin-1 would otherwise bring
 * "St�y" in for "Støy" without a word.
 */
export function templatesFileTextOf(bytes: Uint8Array): { ok: true; text: string } | { ok: false; problem: string } {
  if (bytes.length > MAX_TEMPLATES_FILE_BYTES) return { ok: false, problem: TOO_BIG };
  const encoding = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : 'utf-8';
  try {
    return { ok: true, text: new TextDecoder(encoding, { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, problem: 'This file is not UTF-8 text (it may have been saved in another encoding); save it as UTF-8 and import it again. Nothing was imported.' };
  }
}

export type TemplatesFileReading = { ok: true; templates: TemplateContent[]; project: string | null } | { ok: false; problem: string };

/**
 * Reads a templates file, all or nothing: one bad template refuses the whole file, with the
 * reason and which template it is, so an import never leaves half a set behind.
 */
export function readTemplatesFile(text: string): TemplatesFileReading {
  if (templatesFileTooBig(text)) return { ok: false, problem: TOO_BIG };
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return { ok: false, problem: 'This is not a Corelog templates file (it is not JSON).' };
  }
  const listed = (json as { templates?: unknown } | null)?.templates;
  if (Array.isArray(listed) && listed.length > MAX_TEMPLATES && (json as { version?: unknown }).version === TEMPLATES_FILE_VERSION) {
    return { ok: false, problem: `This file holds ${listed.length.toLocaleString('en-US')} templates; a project holds at most ${MAX_TEMPLATES}. Nothing was imported.` };
  }
  const top = templatesFileSchema.safeParse(json);
  if (!top.success) {
    const format = (json as { format?: unknown } | null)?.format;
    const version = (json as { version?: unknown } | null)?.version;
    if (format !== TEMPLATES_FILE_FORMAT) return { ok: false, problem: 'This is not a Corelog templates file.' };
    if (typeof version === 'number' && version > TEMPLATES_FILE_VERSION) return { ok: false, problem: `This templates file was made by a newer Corelog (file version ${version}); update Corelog to read it.` };
    const issue = top.error.issues[0]!;
    return { ok: false, problem: `This templates file is damaged: ${issue.path.join('.') || 'the file'}: ${plainIssue(issue)}` };
  }
  const templates: TemplateContent[] = [];
  const names = new Map<string, number>();
  const keys = new Map<string, number>();
  for (const [index, item] of top.data.templates.entries()) {
    const named = typeof (item as { name?: unknown } | null)?.name === 'string' ? ` (“${(item as { name: string }).name.slice(0, 60)}”)` : '';
    const where = `Template ${index + 1}${named}`;
    const parsed = templateContentSchema.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.length ? `${issue.path.join('.')}: ` : '';
      return { ok: false, problem: `${where} cannot be used: ${field}${plainIssue(issue)} Nothing was imported.` };
    }
    // As the editor saves them: name and remarks trimmed, each label once.
    const content: TemplateContent = { ...parsed.data, name: parsed.data.name.trim(), remarks: parsed.data.remarks.trim(), labels: [...new Set(parsed.data.labels)] };
    const problem = templateProblem(content);
    if (problem) return { ok: false, problem: `${where} cannot be used: ${problem} Nothing was imported.` };
    const name = templateTitle(content).toLowerCase();
    if (names.has(name)) return { ok: false, problem: `${where} has the same name as template ${names.get(name)! + 1}. Nothing was imported.` };
    names.set(name, index);
    if (content.key) {
      if (keys.has(content.key)) return { ok: false, problem: `${where} uses ${content.key}, as template ${keys.get(content.key)! + 1} does. Nothing was imported.` };
      keys.set(content.key, index);
    }
    templates.push(content);
  }
  return { ok: true, templates, project: top.data.project ?? null };
}

/** A zod issue in the words of the rest of the message (our own field messages pass as they are). */
function plainIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_value' && issue.path.at(-1) === 'key') return 'not one of F1–F12 or Ctrl+1…9.';
  if (issue.code === 'invalid_value' && issue.path.at(-1) === 'position') return `must be one of ${TEMPLATE_POSITIONS.join(', ')}.`;
  if (issue.code === 'invalid_type') {
    if (/received undefined/.test(issue.message)) return 'missing.';
    const kinds: Record<string, string> = { string: 'text', array: 'a list', object: 'an object', number: 'a number' };
    return `should be ${(Object.hasOwn(kinds, issue.expected) ? kinds[issue.expected] : undefined) ?? issue.expected}.`;
  }
  return `${issue.message.replace(/\.$/, '')}.`;
}

// ---- merging an import into the templates there are -----------------------------------------

export interface ExistingTemplate extends TemplateContent {
  id: string;
}

export interface ImportPlan {
  /** Existing templates replaced by an imported one of the same name (by id), with the new content. */
  replace: { id: string; content: TemplateContent }[];
  add: TemplateContent[];
  /** Existing templates that keep their content but give their key to an imported one. */
  unbind: { id: string; key: TemplateKey; name: string }[];
}

/**
 * How imported templates join the project's own: one of the same name (case aside) is replaced;
 * the others are added after the existing ones; a key the file uses moves to the file's template
 * (the file is the setup the crew handed over), and the message says which keys moved.
 */
export function planImport(existing: readonly ExistingTemplate[], imported: readonly TemplateContent[]): ImportPlan {
  const byName = new Map(existing.map((t) => [templateTitle(t).toLowerCase(), t]));
  const plan: ImportPlan = { replace: [], add: [], unbind: [] };
  const replacedIds = new Set<string>();
  for (const content of imported) {
    const same = byName.get(templateTitle(content).toLowerCase());
    if (same) {
      plan.replace.push({ id: same.id, content });
      replacedIds.add(same.id);
    } else plan.add.push(content);
  }
  const importedKeys = new Set(imported.map((t) => t.key).filter((k) => k !== null));
  for (const t of existing) {
    if (!replacedIds.has(t.id) && t.key && importedKeys.has(t.key)) plan.unbind.push({ id: t.id, key: t.key, name: templateTitle(t) });
  }
  return plan;
}

/** One sentence on what an import did. */
export function describeImport(plan: ImportPlan): string {
  const count = plan.add.length + plan.replace.length;
  const parts = [`Imported ${count} template${count === 1 ? '' : 's'}`];
  if (plan.replace.length) parts.push(` (${plan.replace.length} replaced one of the same name)`);
  let text = `${parts.join('')}.`;
  if (plan.unbind.length) text += ` ${plan.unbind.map((u) => `${u.key} moved from “${u.name}”`).join('; ')}.`;
  return text;
}
