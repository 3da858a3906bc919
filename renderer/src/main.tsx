import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { ScreenBoundary } from './app/ScreenBoundary';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {/* Each screen and the sync strip have their own boundary inside App; this one catches a failure in
        App's own frame (top bar, profile gate), so even that shows a notice with "Try again", not a blank window. */}
    <ScreenBoundary name="app" label="Corelog">
      <App />
    </ScreenBoundary>
  </StrictMode>,
);
