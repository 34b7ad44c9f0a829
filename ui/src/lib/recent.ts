// The last few answers fetched under a key, so that a view opened again shows at once what
// it showed last time while it asks the backend afresh (a registry busy with a pull can take
// a while to answer). Least recently used first out.

export class Recent<T> {
  readonly #entries = new Map<string, T>();
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  get(key: string): T | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  /** Forget everything (what it was read with has changed). */
  clear(): void {
    this.#entries.clear();
  }

  set(key: string, value: T): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#limit) break;
      this.#entries.delete(oldest);
    }
  }
}
