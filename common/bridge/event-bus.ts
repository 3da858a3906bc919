/**
 * A typed publish/subscribe channel for bridge events inside main. Transports subscribe once and
 * forward each event to their renderers; services only ever `emit`.
 */
import type { BridgeEventName, EventPayload } from './contract';

type AnyListener = (event: BridgeEventName, payload: unknown) => void;

export class BridgeEventBus {
  private readonly listeners = new Set<AnyListener>();

  emit<E extends BridgeEventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event, payload);
      } catch (error) {
        // One broken transport must not stop the others from hearing the event.
        console.error(`bridge event listener failed for ${event}:`, error);
      }
    }
  }

  /** Receives every event; returns the unsubscribe function. */
  subscribe(listener: AnyListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
