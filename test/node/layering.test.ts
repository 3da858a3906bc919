/**
 * The layering rules are only worth something if they fire: lint small snippets as if they lived
 * in each folder and check which imports are refused.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function violations(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('layering rules', () => {
  it('refuse Node and Electron in renderer code', async () => {
    expect(await violations('renderer/src/x.ts', "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n")).toHaveLength(1);
    expect(await violations('renderer/src/x.ts', "import path from 'path';\nexport const p = path;\n")).toHaveLength(1);
    expect(await violations('renderer/src/x.ts', "import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;\n")).toHaveLength(1);
    expect(await violations('renderer/src/x.ts', "import { createAppServices } from '../../electron/services/app-services';\nexport const c = createAppServices;\n")).toHaveLength(1);
  });

  it('allow the renderer to use the shared contract', async () => {
    expect(await violations('renderer/src/x.ts', "import { BRIDGE_METHOD_NAMES } from '../../common/bridge/contract';\nexport const n = BRIDGE_METHOD_NAMES;\n")).toEqual([]);
  });

  it('refuse DOM libraries and renderer code in main-process code', async () => {
    expect(await violations('electron/main/x.ts', "import { useState } from 'react';\nexport const u = useState;\n")).toHaveLength(1);
    expect(await violations('electron/services/x.ts', "import Dexie from 'dexie';\nexport const d = Dexie;\n")).toHaveLength(1);
    expect(await violations('electron/main/x.ts', "import { App } from '../../renderer/src/app/App';\nexport const a = App;\n")).toHaveLength(1);
  });

  it('keep services free of runtime Electron imports but allow types', async () => {
    expect(await violations('electron/services/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(1);
    expect(await violations('electron/services/x.ts', "import type { App } from 'electron';\nexport type A = App;\n")).toEqual([]);
    expect(await violations('electron/main/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toEqual([]);
  });

  it('keep common code free of every runtime', async () => {
    expect(await violations('common/x.ts', "import { createHash } from 'node:crypto';\nexport const h = createHash;\n")).toHaveLength(1);
    expect(await violations('common/x.ts', "import React from 'react';\nexport const r = React;\n")).toHaveLength(1);
    expect(await violations('common/x.ts', "import { x } from '../renderer/src/x';\nexport const y = x;\n")).toHaveLength(1);
  });
});
