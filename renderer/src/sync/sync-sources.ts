/**
 * The list of sync sources shown on the status strip. Each feature adds its hook here (one line).
 * The list is fixed at build time, so calling the hooks in order is safe for React.
 */
import { useEventLogSyncSource } from '../event-log/use-event-log-sync';
import { usePhotoSyncSource } from '../photos/use-photo-sync';
import type { SyncSourceHook } from './sync-source';

export const SYNC_SOURCES: SyncSourceHook[] = [useEventLogSyncSource, usePhotoSyncSource];
