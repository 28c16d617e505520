// Starts wslab. A file, not an inline script, so the Content-Security-Policy
// can forbid inline scripts altogether.

// Every CSP violation is recorded, so tests (and curious learners, in the
// console) can see that the policy holds.
window.__wslabCsp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__wslabCsp.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});

// The pages only the full build holds (route.rs, `Route::needs_full`; a test
// keeps the two lists equal). Every other page starts the small reader build,
// which hands these pages over to the full build with a page load.
const FULL = ["/handshake", "/uris", "/lifecycle", "/frames", "/live", "/illustrated", "/conformance", "/quiz"];
const path = location.pathname.replace(/\/+$/, "") || "/";
const build = FULL.includes(path) ? "wslab" : "wslab-reader";

const { default: init } = await import(`/${build}.js`);
await init({ module_or_path: `/${build}_bg.wasm` });
window.__wslabBuild = build;

// Once loaded, the site works offline (see sw.js). Registered after the app
// runs, so keeping the other pages does not compete with the first one.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js").catch((error) => console.warn("offline mode unavailable:", error));
}
