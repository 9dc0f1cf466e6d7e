// Stand-ins for the browser's storage in node.

/** A Storage (getItem, setItem, removeItem) kept in a Map. */
export function memoryStorage(entries = {}) {
  const map = new Map(Object.entries(entries));
  return {
    map,
    getItem: (key) => (map.has(key) ? map.get(key) : null),
    setItem: (key, value) => map.set(key, String(value)),
    removeItem: (key) => map.delete(key),
  };
}

/** Storage as a browser that blocks it gives it: any use throws. */
export const blockedStorage = () => {
  throw new DOMException("The operation is insecure.", "SecurityError");
};
