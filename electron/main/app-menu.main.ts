/**
 * The application menu and its keyboard shortcuts. Commands that belong to the UI (new event, sync
 * now, connections, settings, export diagnostics) are sent to the renderer as a `menuCommand`
 * bridge event; editing, zoom and window items use Electron's built-in roles, which bring their
 * own shortcuts.
 */
import { Menu, type MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../common/bridge/desktop-contract';

export interface MenuActions {
  command(command: MenuCommand): void;
  openLogFolder(): void;
  platform: NodeJS.Platform;
  /** Reload and DevTools only in development. */
  development: boolean;
}

export function appMenuTemplate({ command, openLogFolder, platform, development }: MenuActions): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const send = (name: MenuCommand) => () => command(name);
  return [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: 'New Event', accelerator: 'CmdOrCtrl+N', click: send('new-event') },
        { label: 'Sync Now', accelerator: 'CmdOrCtrl+Shift+S', click: send('sync-now') },
        { type: 'separator' },
        { label: 'Connections…', accelerator: 'CmdOrCtrl+,', click: send('open-connections') },
        // Ctrl+, stays Connections (crews know it); Settings sits next to it with Shift, and on Alt+5.
        { label: 'Settings…', accelerator: 'CmdOrCtrl+Shift+,', click: send('open-settings') },
        { label: 'Export Diagnostics…', accelerator: 'CmdOrCtrl+Shift+D', click: send('export-diagnostics') },
        ...(mac ? [] : [{ type: 'separator' as const }, { role: 'quit' as const, accelerator: 'Ctrl+Q' }]),
      ],
    },
    { label: '&Edit', submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }] },
    {
      label: '&View',
      submenu: [
        ...(development ? [{ role: 'reload' as const }, { role: 'toggleDevTools' as const }, { type: 'separator' as const }] : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { label: '&Window', submenu: [{ role: 'minimize' }, ...(mac ? [{ role: 'zoom' as const }, { role: 'front' as const }] : [{ role: 'close' as const }])] },
    {
      label: '&Help',
      role: 'help',
      submenu: [{ label: 'Open Log Folder', click: openLogFolder }, ...(mac ? [] : [{ type: 'separator' as const }, { role: 'about' as const, label: 'About Corelog' }])],
    },
  ];
}

export function installAppMenu(actions: MenuActions): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate(actions)));
}
