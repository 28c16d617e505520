// Starts wslab. A file, not an inline script, so the Content-Security-Policy
// can forbid inline scripts altogether.

// Every CSP violation is recorded, so tests (and curious learners, in the
// console) can see that the policy holds.
window.__wslabCsp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__wslabCsp.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});

// The build that holds each page (route.rs, `Build::of`; a test keeps the two
// equal). Any other path is the 404 page, in the small reader build. A link to
// a page of another build loads that page, and so its build.
const BUILDS = {
  "/": "wslab-reader",
  "/handshake": "wslab-handshake",
  "/uris": "wslab-uris",
  "/lifecycle": "wslab-reader",
  "/frames": "wslab-frames",
  "/heartbeats": "wslab-reader",
  "/live": "wslab-live",
  "/illustrated": "wslab-live",
  "/conformance": "wslab-conformance",
  "/quiz": "wslab-quiz",
  "/summary": "wslab-reader",
};
const path = location.pathname.replace(/\/+$/, "") || "/";
// The page this HTML holds, as wslab-prerender wrote it. The page builds show
// its lesson as prerendered instead of carrying the text, so where a host
// answers with another page's HTML (a single-page set-up serving index.html
// for every path), the full build, which renders every page itself, starts.
const shown = document.getElementById("prerendered")?.dataset.page;
const build = !Object.hasOwn(BUILDS, path)
  ? "wslab-reader"
  : shown === path
    ? BUILDS[path]
    : "wslab";

const { default: init } = await import(`/${build}.js`);
await init({ module_or_path: `/${build}_bg.wasm` });
window.__wslabBuild = build;

// Once loaded, the site works offline (see sw.js). Registered after the app
// runs, so keeping the other pages does not compete with the first one.
// Every page also asks for a newer build (registering an installed worker
// again does not): one small request, and offline there is none to find.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker
    .register("/sw.js")
    .then((registration) => registration.update().catch(() => {}))
    .catch((error) => console.warn("offline mode unavailable:", error));
}
