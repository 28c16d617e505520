// wslab's service worker: the app works offline once it has been loaded.
// Network first (so a new version is picked up when online), the cache when
// the network fails. Every page is the same index.html (the app routes itself).

const CACHE = "wslab-v1";
const SHELL = ["/", "/index.html", "/boot.js", "/wslab.js", "/wslab_bg.wasm", "/style.css", "/favicon.svg"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
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
  const isPage = request.mode === "navigate";
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(isPage ? "/index.html" : request, copy));
        }
        return response;
      })
      .catch(() => caches.match(isPage ? "/index.html" : request).then((hit) => hit || Response.error())),
  );
});
