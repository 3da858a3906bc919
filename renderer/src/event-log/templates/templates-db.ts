/**
 * Event templates on this computer, per Dougal project: their own IndexedDB database
 * (`corelog-templates`, `-sample` on the sample systems) so they version apart from the event log
 * and never travel to Dougal. Every change is one transaction; the bar reads them live.
 */
import Dexie, { type EntityTable } from 'dexie';
import { profileDbName } from '../../first-run/profile';
import { withPlainStorageErrors } from '../../storage/plain-storage-errors';
import { MAX_TEMPLATES, planImport, templateProblem, templateTitle, type ImportPlan, type TemplateContent } from './template-model';

export const TEMPLATES_DB_NAME = 'corelog-templates';

export interface TemplateRow extends TemplateContent {
  id: string;
  project: string;
  /** Place in the button row (and in an exported file). */
  order: number;
  updatedAt: string;
}

export class TemplatesDb extends Dexie {
  templates!: EntityTable<TemplateRow, 'id'>;

  constructor(name = TEMPLATES_DB_NAME) {
    super(name);
    this.version(1).stores({ templates: 'id, project' });
  }
}

/** A transaction the browser's storage refuses (a full disk) fails in plain words (storage/plain-storage-errors.ts). */
export const templatesDb = withPlainStorageErrors(new TemplatesDb(profileDbName(TEMPLATES_DB_NAME)));

const byOrder = (a: TemplateRow, b: TemplateRow) => a.order - b.order;

/** The project's templates in button order. */
export async function projectTemplates(project: string): Promise<TemplateRow[]> {
  return (await templatesDb.templates.where('project').equals(project).toArray()).sort(byOrder);
}

/**
 * Saves a template (a new one when `id` is null). Its key is taken from whichever other template
 * of the project had it: one key, one template.
 */
export async function saveTemplate(project: string, id: string | null, content: TemplateContent): Promise<string> {
  const problem = templateProblem(content);
  if (problem) throw new Error(problem);
  const db = templatesDb;
  const titleKey = (t: TemplateContent) => templateTitle(t).toLowerCase();
  return db.transaction('rw', db.templates, async () => {
    const rows = await projectTemplates(project);
    const clash = rows.find((r) => r.id !== id && titleKey(r) === titleKey(content));
    if (clash) throw new Error(`There is already a template called “${templateTitle(clash)}” in this project.`);
    if (id === null && rows.length >= MAX_TEMPLATES) throw new Error(`A project holds at most ${MAX_TEMPLATES} templates.`);
    if (content.key) for (const other of rows.filter((r) => r.id !== id && r.key === content.key)) await db.templates.update(other.id, { key: null });
    const now = new Date().toISOString();
    const existing = id === null ? undefined : rows.find((r) => r.id === id);
    const row: TemplateRow = { ...content, id: existing?.id ?? crypto.randomUUID(), project, order: existing?.order ?? (rows.at(-1)?.order ?? 0) + 1, updatedAt: now };
    await db.templates.put(row);
    return row.id;
  });
}

export async function deleteTemplate(id: string): Promise<void> {
  await templatesDb.templates.delete(id);
}

/** Moves a template one place left (-1) or right (+1) in the row. */
export async function moveTemplate(project: string, id: string, step: -1 | 1): Promise<void> {
  const db = templatesDb;
  await db.transaction('rw', db.templates, async () => {
    const rows = await projectTemplates(project);
    const at = rows.findIndex((r) => r.id === id);
    const other = rows[at + step];
    if (at < 0 || !other) return;
    await db.templates.update(id, { order: other.order });
    await db.templates.update(other.id, { order: rows[at]!.order });
  });
}

/** Imports templates read from a file into `project`, all in one transaction (see planImport). */
export async function importTemplates(project: string, imported: readonly TemplateContent[]): Promise<ImportPlan> {
  const db = templatesDb;
  return db.transaction('rw', db.templates, async () => {
    const rows = await projectTemplates(project);
    const plan = planImport(rows, imported);
    if (rows.length + plan.add.length > MAX_TEMPLATES) throw new Error(`A project holds at most ${MAX_TEMPLATES} templates; this file would make ${rows.length + plan.add.length}. Nothing was imported.`);
    const now = new Date().toISOString();
    for (const u of plan.unbind) await db.templates.update(u.id, { key: null, updatedAt: now });
    for (const r of plan.replace) await db.templates.update(r.id, { ...r.content, updatedAt: now });
    let order = rows.at(-1)?.order ?? 0;
    await db.templates.bulkAdd(plan.add.map((content) => ({ ...content, id: crypto.randomUUID(), project, order: ++order, updatedAt: now })));
    return plan;
  });
}
