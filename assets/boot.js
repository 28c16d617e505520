// Starts wslab. A file, not an inline script, so the Content-Security-Policy
// can forbid inline scripts altogether.

// Every CSP violation is recorded, so tests (and curious learners, in the
// console) can see that the policy holds.
window.__wslabCsp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__wslabCsp.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});

// The build that holds each page outside the reader (route.rs, `Build::of`; a
// test keeps the two equal). Every other path starts the small reader build.
// A link to a page of another build loads that page, and so its build.
const BUILDS = {
  "/handshake": "wslab-handshake",
  "/uris": "wslab-handshake",
  "/lifecycle": "wslab-handshake",
  "/frames": "wslab",
  "/live": "wslab",
  "/illustrated": "wslab",
  "/conformance": "wslab",
  "/quiz": "wslab-quiz",
};
const path = location.pathname.replace(/\/+$/, "") || "/";
const build = BUILDS[path] || "wslab-reader";

const { default: init } = await import(`/${build}.js`);
await init({ module_or_path: `/${build}_bg.wasm` });
window.__wslabBuild = build;

// Once loaded, the site works offline (see sw.js). Registered after the app
// runs, so keeping the other pages does not compete with the first one.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js").catch((error) => console.warn("offline mode unavailable:", error));
}
