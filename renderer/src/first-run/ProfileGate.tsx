/**
 * Stands in front of the app's screens. It asks main which profile is in use before any screen
 * (and so any database or sync engine) starts: a first run gets the first screen; a page loaded
 * for the other profile reloads into the right one; a switch in another window reloads this one.
 */
import { useEffect, useState, type ReactNode } from 'react';
import type { ProfileName } from '../../../common/bridge/connection-contract';
import type { BridgeError } from '../../../common/errors';
import { ErrorNotice } from '../app/ErrorNotice';
import { bridge, onBridgeLinkState } from '../bridge/bridge';
import { FirstRunScreen } from './FirstRunScreen';
import { currentProfile, setProfileInfo, useProfileInfo, useSwitchingTo } from './profile';
import { preselectSampleStart } from './sample-start';
import { reloadInto } from './switch-profile';
import './first-run.css';

/** The screen the app opens on: Connections after "Connect to your Imago / Dougal", else its usual one. */
export type FirstScreen = 'connections' | null;

type GateState = { kind: 'asking'; problem: BridgeError | null } | { kind: 'first-run' } | { kind: 'ready'; firstScreen: FirstScreen };

export function ProfileGate({ children }: { children: (firstScreen: FirstScreen) => ReactNode }) {
  const [state, setState] = useState<GateState>({ kind: 'asking', problem: null });
  const info = useProfileInfo();
  const switchingTo = useSwitchingTo();

  useEffect(() => {
    let alive = true;
    const reloadOrSay = (profile: ProfileName) => {
      try {
        reloadInto(profile);
      } catch (error) {
        setState({ kind: 'asking', problem: { kind: 'unavailable', message: (error as Error).message, retryable: false } });
      }
    };
    let retry: number | undefined;
    const ask = async () => {
      const result = await bridge.getProfile();
      if (!alive) return;
      if (!result.ok) {
        // The service is (re)starting: keep asking. Nothing starts until the profile is known.
        setState((s) => (s.kind === 'asking' ? { kind: 'asking', problem: result.error } : s));
        retry = window.setTimeout(() => void ask(), 1000);
        return;
      }
      const profile = result.value;
      setProfileInfo(profile);
      if (profile.active !== currentProfile()) return reloadOrSay(profile.active);
      if (!profile.chosen) return setState({ kind: 'first-run' });
      if (profile.sample) await preselectSampleStart(profile.sample.start).catch(() => undefined);
      if (alive) setState((s) => (s.kind === 'ready' ? s : { kind: 'ready', firstScreen: null }));
    };
    void ask();
    // Another window switched profile: this page's data belongs to the other one now.
    const offChanged = bridge.on('profileChanged', (profile) => {
      if (profile.active !== currentProfile()) reloadOrSay(profile.active);
      else setProfileInfo(profile);
    });
    // After a lost link (the service restarted), make sure it still runs this page's profile.
    const offLink = onBridgeLinkState((link) => {
      if (link !== 'open') return;
      void bridge.getProfile().then((again) => {
        if (again.ok && again.value.active !== currentProfile()) reloadOrSay(again.value.active);
      });
    });
    return () => {
      alive = false;
      window.clearTimeout(retry);
      offChanged();
      offLink();
    };
  }, []);

  if (state.kind === 'first-run') {
    return <FirstRunScreen notice={info?.notice ?? null} busy={switchingTo} onConnect={() => setState({ kind: 'ready', firstScreen: 'connections' })} />;
  }
  if (switchingTo) {
    return (
      <div className="first-run-wait" role="status" data-testid="profile-switching">
        {switchingTo === 'sample' ? 'Starting the sample systems…' : 'Switching to your own Imago and Dougal…'}
      </div>
    );
  }
  if (state.kind === 'asking') {
    return (
      <div className="first-run-wait" role="status">
        Starting Corelog…
        {state.problem && <ErrorNotice error={state.problem} />}
      </div>
    );
  }
  return <>{children(state.firstScreen)}</>;
}
