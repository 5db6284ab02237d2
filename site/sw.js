// The simulator's service worker: it makes the page work offline once it
// has been opened. The page itself puts its files (the page, its scripts
// and styles, and the core engine) into the cache named CACHE after its
// first verdict, and the full engine once it has fetched it for a need
// (app.js, cacheForOffline); this worker answers from
// there. The page is asked of the network first, so a new version shows
// as soon as it is online; the other files have content-hashed names and
// never change, so the cache answers them first.
const CACHE = "whycors-offline";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (e) => e.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (e) => {
  const r = e.request;
  if (r.method !== "GET" || new URL(r.url).origin !== self.location.origin) return;
  const page = self.registration.scope;
  if (r.mode === "navigate") {
    e.respondWith(
      fetch(r).then(
        (res) => {
          if (res.ok && new URL(r.url).pathname === new URL(page).pathname) {
            const copy = res.clone();
            e.waitUntil(caches.open(CACHE).then((c) => c.put(page, copy)));
          }
          return res;
        },
        () => caches.match(page, { ignoreVary: true }).then((m) => m || Response.error()),
      ),
    );
    return;
  }
  e.respondWith(caches.match(r, { ignoreVary: true }).then((m) => m || fetch(r)));
});
