// Counts the page's IndexedDB requests and transactions by store and kind (CORELOG_BENCH_IDB_COUNT=1 in the push benchmark):
// what the push asks of the browser's storage, which is where most of its time goes.
/* global IDBObjectStore, IDBIndex, IDBCursor, IDBDatabase -- runs in the page, not in Node */
(() => {
  const counts = (globalThis.__idbCounts = new Map());
  const bump = (k) => counts.set(k, (counts.get(k) || 0) + 1);
  const wrap = (proto, kind, methods) => {
    for (const m of methods) {
      const orig = proto[m];
      if (!orig) continue;
      proto[m] = function (...args) {
        const name = kind === 'index' ? `${this.objectStore.name}.${this.name}` : kind === 'cursor' ? `${(this.source.objectStore || this.source).name}${this.source.objectStore ? '.' + this.source.name : ''}` : this.name;
        bump(`${name} ${m}`);
        return orig.apply(this, args);
      };
    }
  };
  wrap(IDBObjectStore.prototype, 'store', ['get', 'getAll', 'getAllKeys', 'put', 'add', 'delete', 'count', 'openCursor', 'openKeyCursor', 'clear', 'getKey']);
  wrap(IDBIndex.prototype, 'index', ['get', 'getAll', 'getAllKeys', 'count', 'openCursor', 'openKeyCursor', 'getKey']);
  wrap(IDBCursor.prototype, 'cursor', ['continue', 'advance', 'continuePrimaryKey', 'update', 'delete']);
  const tx = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (stores, mode, ...rest) { bump(`tx ${mode || 'readonly'} ${[].concat(stores).join('+')}`); return tx.call(this, stores, mode, ...rest); };
})();
