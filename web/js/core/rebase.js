// The view a screen shows: the server's truth with the tablet's own mutations replayed on top (a rebase, as in
// Replicache). Pure functions, no storage: db.js reads, this computes, so a pull that lands in between two
// renders can never hide a change that is still waiting to be sent.

/** One mutation applied to one record's value (undefined when absent); returns the new value or undefined. */
export function applyMutation(value, mutation) {
  const { name, args } = mutation;
  if (name === 'put') {
    const base = value && !value.deleted
      ? value
      : { id: args.id, version: 0, fieldVersions: {}, created_at: mutation.deviceTime, deleted: false,
        device_created_at: mutation.deviceTime };
    return { ...base, ...args.set, id: args.id, deleted: false };
  }
  if (name === 'delete') {
    return undefined;
  }
  return value; // a mutator this tablet does not replay (its effect arrives with the next pull)
}

/** Map id → value of one entity: `records` (as pulled) with `mutations` (in send order) applied on top.
 *  Each value gets `pending`: how many of this tablet's unsent mutations touch it. */
export function buildView(records, mutations) {
  const view = new Map();
  for (const record of records) {
    if (!record.deleted) {
      view.set(record.id, { ...record, pending: 0 });
    }
  }
  for (const mutation of mutations) {
    const id = mutation.args && mutation.args.id;
    const before = view.get(id);
    const after = applyMutation(before, mutation);
    if (after === undefined) {
      view.delete(id);
    } else {
      view.set(id, { ...after, pending: (before ? before.pending : 0) + (mutation.pending ? 1 : 0) });
    }
  }
  return view;
}

/** The `set` and `base` of a put: only the fields whose value changed, each with the version last pulled. */
export function diffForPut(serverValue, viewValue, values) {
  const set = {};
  const base = {};
  const fieldVersions = (serverValue && serverValue.fieldVersions) || {};
  for (const [field, value] of Object.entries(values)) {
    if (!viewValue || viewValue[field] !== value) {
      set[field] = value;
      base[field] = fieldVersions[field] || 0; // 0: never seen (a new record, or a field never pulled)
    }
  }
  return { set, base };
}
