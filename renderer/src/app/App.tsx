/**
 * The app shell: navigation, the always-visible status strip, and the screens. Alt+1…9 switch
 * screens from the keyboard.
 */
import { useEffect, useState } from 'react';
import type { AppInfo } from '../../../common/bridge/contract';
import { ArchiveImportScreen } from '../archive-import/ArchiveImportScreen';
import { bridge, getBridgeLinkState, onBridgeLinkState, type BridgeLinkState } from '../bridge/bridge';
import { ConnectionsScreen } from '../connections/ConnectionsScreen';
import { EventLogScreen } from '../event-log/EventLogScreen';
import { useConnections } from '../connections/use-connections';
import { HomeScreen } from '../home/HomeScreen';
import { PhotosScreen } from '../photos/PhotosScreen';
import { exportDiagnostics } from '../home/DiagnosticsCard';
import { retryAllSyncSources } from '../sync/sync-snapshot';
import { SyncStatusStrip } from '../sync/SyncStatusStrip';
import { ProfileGate, type FirstScreen } from '../first-run/ProfileGate';
import { SampleMark } from '../first-run/SampleMark';
import { SampleStartCard } from '../first-run/SampleStartCard';
import { keepTimersOnTimeWhileHidden } from '../sync/hidden-tab-timers';
import { usePendingWorkReport } from '../sync/pending-work-report';
import { recallChoice, remember } from './remembered';
import { ScreenBoundary, SyncStripFallback } from './ScreenBoundary';
import { StorageProblemBanner } from './StorageProblemBanner';
import { usePersistentStorage } from './use-persistent-storage';
import { useAppSettingsFromMain } from '../settings/app-settings-store';
import { useOriginalsSweepSchedule } from '../settings/originals-sweep';
import { SettingsScreen } from '../settings/SettingsScreen';

const SCREENS = [
  { id: 'home', label: 'Home' },
  { id: 'connections', label: 'Connections' },
  { id: 'event-log', label: 'Event log' },
  { id: 'photos', label: 'Photos' },
  { id: 'settings', label: 'Settings' },
  // After Settings, so Alt+5 stays Settings.
  { id: 'archive-import', label: 'Archive import' },
] as const;
type ScreenId = (typeof SCREENS)[number]['id'];

/** Nothing starts (no database, no sync engine) until the profile is known; a first run gets the first screen. */
export function App() {
  // Theme, time zone and depth precision: from main, re-rendering everything when they change.
  useAppSettingsFromMain();
  return <ProfileGate>{(firstScreen) => <CorelogApp firstScreen={firstScreen} />}</ProfileGate>;
}

function CorelogApp({ firstScreen }: { firstScreen: FirstScreen }) {
  // The last screen comes back after a reload or restart (the selections on it are remembered by each screen).
  const [screen, setScreen] = useState<ScreenId>(() => firstScreen ?? recallChoice('lastScreen', SCREENS.map((s) => s.id), 'home'));
  useEffect(() => remember('lastScreen', screen), [screen]);
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [link, setLink] = useState<BridgeLinkState>(getBridgeLinkState());
  const connections = useConnections();
  // Originals Imago confirmed long enough ago are swept shortly after start, then daily.
  useOriginalsSweepSchedule();
  // Main hears what is waiting (the close dialog and the background icon say it); in browser mode a
  // hidden tab's timers are kept on time, so the sync engines keep their pace (sync/hidden-tab-timers.ts).
  usePendingWorkReport();
  useEffect(() => (window.corelog ? undefined : keepTimersOnTimeWhileHidden()), []);
  const storage = usePersistentStorage();
  const [storageWarningDismissed, setStorageWarningDismissed] = useState(() => localStorage.getItem('corelog.storageWarningDismissed') === '1');

  useEffect(() => onBridgeLinkState(setLink), []);
  useEffect(() => {
    void bridge.getAppInfo().then((result) => result.ok && setInfo(result.value));
  }, []);
  // Commands from the application menu and its shortcuts (desktop app only).
  useEffect(
    () =>
      bridge.on('menuCommand', ({ command }) => {
        if (command === 'open-connections') setScreen('connections');
        else if (command === 'open-settings') setScreen('settings');
        else if (command === 'show-about') setScreen('home');
        else if (command === 'sync-now') retryAllSyncSources();
        else if (command === 'export-diagnostics') void exportDiagnostics();
        else if (command === 'new-event') {
          setScreen('event-log');
          // The event log focuses its entry line when it hears this.
          window.dispatchEvent(new CustomEvent('corelog:new-event'));
        }
      }),
    [],
  );
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      // Ctrl+Shift+, (Cmd on macOS) opens Settings, as the menu's accelerator does (Ctrl+, is Connections).
      if ((event.ctrlKey || event.metaKey) && event.shiftKey && !event.altKey && event.code === 'Comma') {
        event.preventDefault();
        setScreen('settings');
        return;
      }
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      const target = SCREENS[Number(event.key) - 1];
      if (target) {
        event.preventDefault();
        setScreen(target.id);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">
          Corelog <span className="version" data-testid="app-version">{info ? `v${info.version}` : ''}</span>
        </span>
        <SampleMark place="topbar" />
        <nav aria-label="Screens">
          {SCREENS.map((s, index) => (
            <button
              key={s.id}
              type="button"
              className={screen === s.id ? 'active' : ''}
              aria-current={screen === s.id ? 'page' : undefined}
              title={`Alt+${index + 1}`}
              onClick={() => setScreen(s.id)}
            >
              {s.label}
            </button>
          ))}
        </nav>
        {info && <span className="transport">{info.transport === 'browser' ? 'Browser mode' : 'Desktop'}</span>}
      </header>
      {link === 'token-rejected' && (
        <p className="banner error" role="alert">
          This page was opened with an old key. Open the address printed by <code>npm run web</code> (or <code>npm start</code>) in the terminal.
        </p>
      )}
      {link === 'closed' && (
        <p className="banner warning" role="status">
          Lost contact with Corelog’s background service; reconnecting… Your work is saved on this computer.
        </p>
      )}
      <StorageProblemBanner />
      {storage === 'refused' && !storageWarningDismissed && (
        <p className="banner warning" role="status" data-testid="storage-warning">
          The browser did not grant persistent storage, so it may clear Corelog’s offline data when the disk runs low. Sync regularly, or
          use the desktop app.{' '}
          <button
            type="button"
            onClick={() => {
              localStorage.setItem('corelog.storageWarningDismissed', '1');
              setStorageWarningDismissed(true);
            }}
          >
            Understood
          </button>
        </p>
      )}
      <main>
        {/* A failure inside the screen shows its notice there; navigation, the strip and the engines carry on. Keyed: each screen starts afresh. */}
        <ScreenBoundary key={screen} name={screen} label={SCREENS.find((s) => s.id === screen)!.label} onGoHome={screen === 'home' ? undefined : () => setScreen('home')}>
          {screen === 'home' && <SampleStartCard go={setScreen} />}
          {screen === 'home' && <HomeScreen info={info} connections={connections.connections} />}
          {screen === 'connections' && <ConnectionsScreen state={connections} apply={connections.apply} />}
          {screen === 'event-log' && <EventLogScreen />}
          {screen === 'photos' && <PhotosScreen />}
          {screen === 'settings' && <SettingsScreen />}
          {screen === 'archive-import' && <ArchiveImportScreen />}
        </ScreenBoundary>
      </main>
      {/* The strip has its own boundary; if it fails, its fallback keeps the sync engines running. */}
      <ScreenBoundary name="sync-strip" label="sync status" fallback={(failure, retry) => <SyncStripFallback failure={failure} retry={retry} />}>
        <SyncStatusStrip connections={connections.connections} />
      </ScreenBoundary>
    </div>
  );
}
