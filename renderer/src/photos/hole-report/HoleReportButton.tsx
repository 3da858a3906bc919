/** The Photos screen's "Hole report" button: opens the printable report of the chosen hole. */
import { useCallback, useState } from 'react';
import type { Hole } from '../photos-db';
import { HoleReport } from './HoleReport';

export function HoleReportButton({ hole }: { hole: Hole | undefined }) {
  const [open, setOpen] = useState<string | null>(null);
  const close = useCallback(() => setOpen(null), []);
  return (
    <>
      <button type="button" onClick={() => hole && setOpen(hole.id)} disabled={!hole} title={hole ? `A printable report of ${hole.name}, saved as PDF` : 'Choose a hole first'}>
        Hole report
      </button>
      {open && <HoleReport holeId={open} onClose={close} />}
    </>
  );
}
