import { feedGeneration, feedIsLive, onReset } from './change-feed.js';

/**
 * A bounded map of copies that are valid only while the change feed is live: entries expire after
 * `ttlMs` in any case, are dropped when the feed resets, and a value read from the database is
 * kept only if no change was announced while it was being read (see feedGeneration).
 */
export class FeedCache<K, V> {
  private readonly entries = new Map<K, { value: V; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {
    onReset(() => this.entries.clear());
  }

  get(key: K): V | undefined {
    if (!feedIsLive()) return undefined;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires < Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Keeps `value` if the feed has not moved since `generation` was taken, before the read. */
  set(key: K, value: V, generation: number): void {
    if (!feedIsLive() || feedGeneration() !== generation) return;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { value, expires: Date.now() + this.ttlMs });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
