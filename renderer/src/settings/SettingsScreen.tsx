/**
 * Settings: how Corelog looks (theme), how it shows times and depths, the watch folder, updates,
 * where its data lives and how much space it takes, and how long photo originals stay after
 * upload. Each choice applies at once and is kept by main (the settings file in the data folder).
 * Opened with Alt+5, Ctrl+Shift+, or the desktop app's File → Settings….
 */
import { WatchLengthCard } from '../event-log/reports/WatchLengthCard';
import { DataOnThisComputer } from './DataOnThisComputer';
import { DisplaySettings } from './DisplaySettings';
import { UpdateSettingsCard } from './UpdateSettingsCard';
import { WatchFolderCard } from './WatchFolderCard';

export function SettingsScreen() {
  return (
    <div className="screen settings" data-testid="settings-screen">
      <h1>Settings</h1>
      <DisplaySettings />
      <WatchLengthCard />
      <DataOnThisComputer />
      <div className="columns">
        <WatchFolderCard />
        <UpdateSettingsCard />
      </div>
    </div>
  );
}
