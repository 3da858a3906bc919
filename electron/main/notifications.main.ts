/** Native notifications (sync finished or failed); clicking one brings Corelog to the front. */
import { Notification } from 'electron';
import type { DesktopNotice } from '../services/desktop/desktop-services';

export function createNativeNotifier(onClick: () => void): (notice: DesktopNotice) => boolean {
  return ({ title, body }) => {
    if (!Notification.isSupported()) return false;
    const notification = new Notification({ title, body });
    notification.on('click', onClick);
    notification.show();
    return true;
  };
}
