/** IPC channel names. Every channel carries the `corelog:` prefix so main can refuse anything else. */
import type { BridgeMethodName } from './contract';

export const CHANNEL_PREFIX = 'corelog:';
export const EVENT_CHANNEL = `${CHANNEL_PREFIX}event`;

export const channelForMethod = (method: BridgeMethodName): string => `${CHANNEL_PREFIX}call:${method}`;

/** The preload's file hand-over (paths of real File objects), outside the JSON contract. */
export const STAGE_FILES_CHANNEL = `${CHANNEL_PREFIX}files:stage`;
