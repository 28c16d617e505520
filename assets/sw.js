// wslab's service worker: once the site has been opened, every page starts
// from this cache, offline or not, and a slow network no longer delays it.
// Installing keeps every page and every build the pages start, so a lab
// opened for the first time starts from the cache too. The full build (half
// a megabyte) is kept only where the host needs it: one that answers every
// path with index.html, where boot.js starts the full build on every page.
//
// The cache is named after the build (wslab-prerender writes a digest of
// every file of the site into CACHE), so a new version of the site is a new
// sw.js: the browser installs it beside the old one, which keeps serving
// until the new one has everything; the page after that is the new version.

const CACHE = "wslab-build";
// Filled in at build time by wslab-prerender with every page's address.
const PAGES = ["/"];
const ASSETS = [
  "/boot.js",
  "/wslab-reader.js",
  "/wslab-reader_bg.wasm",
  "/wslab-handshake.js",
  "/wslab-handshake_bg.wasm",
  "/wslab-handshake_split.js",
  "/split_handshake_lower.wasm",
  "/wslab-uris.js",
  "/wslab-uris_bg.wasm",
  "/wslab-quiz.js",
  "/wslab-quiz_bg.wasm",
  "/wslab-quiz_split.js",
  "/split_quiz_practice.wasm",
  "/wslab-frames.js",
  "/wslab-frames_bg.wasm",
  "/wslab-frames_split.js",
  "/split_frames_lower.wasm",
  "/wslab-conformance.js",
  "/wslab-conformance_bg.wasm",
  "/wslab-conformance_split.js",
  "/split_conformance_results.wasm",
  "/wslab-live.js",
  "/wslab-live_bg.wasm",
  "/wslab-live_split.js",
  "/split_live_illustrated.wasm",
  "/favicon.svg",
];
// The full build, for a host that answers every path with index.html.
const FULL_BUILD = ["/wslab.js", "/wslab_bg.wasm"];

// Whether the host answers a page's path with that page (wslab-prerender
// writes each page's path into its #prerendered element): false on a host
// that serves index.html for every path.
const servesEachPage = (cache) => {
  const page = PAGES.find((p) => p !== "/");
  if (!page) {
    return Promise.resolve(true);
  }
  return cache
    .match(page)
    .then((response) => (response ? response.text() : ""))
    .then((html) => html.includes(`data-page="${page}"`));
};

const fresh = (urls) => urls.map((u) => new Request(u, { cache: "reload" }));

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      // Past the browser's HTTP cache: the files of this build, not older ones.
      .then((cache) =>
        cache
          .addAll(fresh([...PAGES, ...ASSETS]))
          .then(() => servesEachPage(cache))
          .then((each) => (each ? undefined : cache.addAll(fresh(FULL_BUILD)))),
      )
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
    caches.open(CACHE).then((cache) =>
      cache.match(key).then(
        (hit) =>
          hit ||
          fetch(request)
            .then((response) => {
              if (response.ok) {
                cache.put(key, response.clone());
              }
              return response;
            })
            .catch(() =>
              (isPage ? cache.match("/") : Promise.resolve(undefined)).then(
                (fallback) => fallback || Response.error(),
              ),
            ),
      ),
    ),
  );
});
