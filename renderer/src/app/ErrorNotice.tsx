import { displayText } from '../../../common/display-text';
import type { BridgeError } from '../../../common/errors';
import { ShownText } from '../ui/ShownText';

/**
 * How much of a message is shown: messages quote what a server said, and neither an override in
 * it (which would turn the advice after it around) nor a 100,000-character body may reach the page.
 */
export const MESSAGE_CHARACTERS = 600;

const ADVICE: Partial<Record<BridgeError['kind'], string>> = {
  auth: 'Sign in again on the Connections screen.',
  offline: 'Corelog keeps working offline and will retry by itself.',
  timeout: 'The server is slow or the link is poor; Corelog will retry.',
  server: 'The server had a problem; Corelog will retry.',
  forbidden: 'Your account is not allowed to do this.',
};

/** A failure in plain words, with what the user can do about it. Text only: never HTML. */
export function ErrorNotice({ error, testId }: { error: BridgeError; testId?: string }) {
  const advice = ADVICE[error.kind];
  return (
    <div className={`notice notice-${error.retryable ? 'transient' : 'error'}`} role="alert" data-testid={testId} data-kind={error.kind}>
      <ShownText text={error.message} max={MESSAGE_CHARACTERS} />
      {advice && <span className="advice"> {advice}</span>}
      {error.issues && error.issues.length > 0 && (
        <ul>
          {error.issues.map((issue) => (
            <li key={issue.path}>
              {displayText(issue.path, { maxCharacters: MESSAGE_CHARACTERS })}: <ShownText text={issue.message} max={MESSAGE_CHARACTERS} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
