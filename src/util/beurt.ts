/** One turn of the event loop (setImmediate): long work on a large document awaits this now and then, so other parties' requests run meanwhile. */
export const volgendeBeurt = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
