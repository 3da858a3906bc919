/** "Sample systems", on every screen and in the sync strip while they are in use, so no one takes them for the real ones. */
import { currentProfile } from './profile';
import './first-run.css';

export function SampleMark({ place }: { place: 'topbar' | 'strip' }) {
  if (currentProfile() !== 'sample') return null;
  return (
    <span
      className={`sample-mark sample-mark-${place}`}
      role="note"
      data-testid={`sample-mark-${place}`}
      title="Imago and Dougal here are samples running on this computer, with demo data: nothing reaches a real server. Switch to your own in Connections."
    >
      Sample systems
    </span>
  );
}
