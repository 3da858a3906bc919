// Runs before the stylesheet and before any module: sets the theme chosen in Settings on <html>
// from the copy the app keeps in localStorage, so the first paint is already in that theme (no
// white flash in the night theme). A plain file, not inline, because the page's CSP allows only
// scripts from 'self'. The app's own copy of this logic is renderer/src/settings/settings-snapshot.ts.
/* global localStorage, document */
(function () {
  var theme = 'system';
  try {
    var saved = JSON.parse(localStorage.getItem('corelog.appSettings') || 'null');
    if (saved && ['system', 'light', 'dark', 'night'].indexOf(saved.theme) >= 0) theme = saved.theme;
  } catch (e) {
    // No storage or a damaged copy: follow the system until the app has read the settings.
  }
  document.documentElement.setAttribute('data-theme', theme);
})();
