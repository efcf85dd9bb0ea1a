// Who may talk to the lab: only the main frame of the app's own window, showing the app's own
// page. Returns the reason a sender is refused, or null when it is the app.

/** The slice of an Electron IPC event the check reads. */
export interface IpcSenderEvent {
  sender: unknown;
  senderFrame: { url: string; parent: unknown } | null;
}

export interface TrustedWindow {
  /** The app window's webContents (null when there is no window). */
  webContents(): { mainFrame: unknown } | null;
  isAppUrl(url: string): boolean;
}

export function senderRefusal(event: IpcSenderEvent, trusted: TrustedWindow): string | null {
  const contents = trusted.webContents();
  if (!contents) return "there is no app window";
  if (event.sender !== contents) return "the sender is not the app window";
  const frame = event.senderFrame;
  if (!frame) return "the sending frame is gone (navigated or destroyed)";
  if (frame !== contents.mainFrame || frame.parent !== null) return "the sender is not the window's main frame";
  if (!trusted.isAppUrl(frame.url)) return `the sending frame shows ${JSON.stringify(frame.url)}, not the app`;
  return null;
}
