// wslab's service worker: the site works offline once it has been opened.
// Network first (so a new version is picked up when online), the cache when
// the network fails. Installing keeps every build of the app and every page,
// so a lab opened offline for the first time still starts.

const CACHE = "wslab-v2";
// Filled in at build time by wslab-prerender with every page's address.
const PAGES = ["/"];
const ASSETS = [
  "/boot.js",
  "/wslab.js",
  "/wslab_bg.wasm",
  "/wslab-reader.js",
  "/wslab-reader_bg.wasm",
  "/wslab-handshake.js",
  "/wslab-handshake_bg.wasm",
  "/wslab-quiz.js",
  "/wslab-quiz_bg.wasm",
  "/style.css",
  "/favicon.svg",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([...PAGES, ...ASSETS]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  // A page is kept under its path (the query only sets the page's state);
  // an unknown page offline falls back to the start page, which routes itself.
  const isPage = request.mode === "navigate";
  const key = isPage ? url.pathname.replace(/\/+$/, "") || "/" : request;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(key, copy));
        }
        return response;
      })
      .catch(() =>
        caches
          .match(key)
          .then((hit) => hit || (isPage ? caches.match("/") : undefined))
          .then((hit) => hit || Response.error()),
      ),
  );
});
