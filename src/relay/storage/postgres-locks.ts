/**
 * PostgreSQL advisory locks the replicas take, as (namespace, key) pairs. Per-key locks hash the
 * key into the second number; their namespaces keep them apart from the fixed ones.
 */
const RELAY = 0x57434d52;

export const LOCKS: Record<'migrations' | 'objects' | 'prune', [number, number]> = {
  migrations: [RELAY, 1],
  objects: [RELAY, 2],
  prune: [RELAY, 3],
};

/** Namespaces of the per-key locks: one per limiter key (sends), one per app token. */
export const KEYED_LOCKS = { sends: RELAY + 1, tokens: RELAY + 2 } as const;
